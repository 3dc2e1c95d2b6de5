// The contract between the extension host, the Memory Inspector webview and the standalone
// report page. The snapshot types mirror docs/schemas/snapshot-v1.schema.json (the single
// source of truth; tests validate the example files against it, not against these types).
// The host receives snapshots from fa-lsp (`framealloc/snapshot`, `framealloc/history`,
// `framealloc/diff`) and forwards them to the webview only through postMessage.

export interface Usage { bytes: number; count: number }

export interface SnapshotSummary {
  frame_bytes: number; pool_bytes: number; heap_bytes: number; total_bytes: number;
  frame_peak_bytes: number; pool_peak_bytes: number; heap_peak_bytes: number;
  allocations: number; frees: number; failed_allocations: number;
  thread_count: number; diagnostics_reported: number;
}

export interface SnapshotThread {
  index: number; name?: string; exited: boolean; frames_completed: number; frame_active: boolean;
  frame_used_bytes: number; frame_capacity: number; frame_peak_bytes: number;
  pool_bytes: number; heap_bytes: number; allocations: number; remote_frees: number;
  failed_allocations: number;
}

/** Bytes attributed while exactly this path was current (exclusive of child tags). */
export interface SnapshotTag { path: string; frame: Usage; pool: Usage; heap: Usage }

export interface SnapshotDiagnostic {
  code: string; severity: string; count: number; last_message: string;
  last_frame: number; last_thread?: number; // optional in the schema
}

export interface SnapshotPhase { name: string; bytes: number; count: number; duration_us?: number }
export interface BudgetFigure { limit: number; used: number; peak: number }
export interface TagBudget extends BudgetFigure { tag: string }
export interface ThreadBudget extends BudgetFigure { thread: number }

export interface SnapshotSite {
  file: string; line: number; function: string; tag: string;
  kind: 'frame' | 'pool' | 'heap'; count: number; bytes: number;
}

export interface Snapshot {
  version: 1;
  frame: number;
  timestamp: string;
  duration_us: number;
  summary: SnapshotSummary;
  threads: SnapshotThread[];
  tags: SnapshotTag[];
  promotions: { to_pool: number; to_heap: number; failed: number };
  transfers: { pending: number; completed_this_frame: number; initiated: number; completed: number; dropped: number };
  deferred: { queue_depth: number; processed_this_frame: number };
  diagnostics: SnapshotDiagnostic[];
  phases: SnapshotPhase[];
  budgets: { tags: TagBudget[]; threads: ThreadBudget[]; global?: BudgetFigure };
  sites: SnapshotSite[];
  events: { count: number };
}

// ---- host → webview ---------------------------------------------------------------------

export type HostToWebview =
  /** Replaces everything shown: the frames kept (oldest first). */
  | { type: 'history'; frames: Snapshot[] }
  /** A new frame arrived (live view); the webview appends it to its own ring. */
  | { type: 'snapshot'; snapshot: Snapshot }
  /** Live view paused or resumed (paused: new snapshots are buffered by the host). */
  | { type: 'paused'; paused: boolean }
  /** Select frames a and b for the A/B comparison (from the "compare two frames" command). */
  | { type: 'compare'; a: number; b: number }
  /** Settings that affect rendering. */
  | { type: 'config'; framesKept: number };

// ---- webview → host ---------------------------------------------------------------------

export type WebviewToHost =
  /** Sent once the webview's script has loaded; the host answers with 'config' and 'history'. */
  | { type: 'ready' }
  /** Open a source location (allocation site). `file` as the snapshot spelled it. */
  | { type: 'openSource'; file: string; line: number }
  /** Go to the `with_tag` / `push_tag` / `TagScope` site that names this tag path. */
  | { type: 'revealTag'; path: string }
  /** The user selected a frame in the timeline (host shows it in the status bar / tags tree). */
  | { type: 'selectFrame'; frame: number }
  | { type: 'requestSnapshot' }
  | { type: 'setPaused'; paused: boolean };
