// Validation of host → webview messages. The webview trusts nothing it receives: a message of the
// wrong shape is ignored (with a console warning) instead of breaking the page half-way through a render.
import type {HostToWebview, Snapshot} from '../shared/protocol';

type Rec = Record<string, unknown>;
const isRecord = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const hasCounts = (x: unknown, keys: string[]): boolean => isRecord(x) && keys.every((k) => isCount(x[k]));
const arrayOf = (x: unknown, item: (e: unknown) => boolean): boolean => Array.isArray(x) && x.every(item);
const usage = (x: unknown): boolean => hasCounts(x, ['bytes', 'count']);

const SUMMARY = [
  'frame_bytes', 'pool_bytes', 'heap_bytes', 'total_bytes', 'frame_peak_bytes', 'pool_peak_bytes',
  'heap_peak_bytes', 'allocations', 'frees', 'failed_allocations', 'thread_count', 'diagnostics_reported'
];
const THREAD = [
  'index', 'frames_completed', 'frame_used_bytes', 'frame_capacity', 'frame_peak_bytes', 'pool_bytes',
  'heap_bytes', 'allocations', 'remote_frees', 'failed_allocations'
];
const BUDGET = ['limit', 'used', 'peak'];

const isTag = (t: unknown): boolean =>
    isRecord(t) && typeof t.path === 'string' && usage(t.frame) && usage(t.pool) && usage(t.heap);
const isThread = (t: unknown): boolean => hasCounts(t, THREAD) && typeof (t as Rec).exited === 'boolean' &&
    ((t as Rec).name === undefined || typeof (t as Rec).name === 'string');
const isSite = (s: unknown): boolean => hasCounts(s, ['line', 'count', 'bytes']) &&
    typeof (s as Rec).file === 'string' && typeof (s as Rec).function === 'string' &&
    typeof (s as Rec).tag === 'string' && ['frame', 'pool', 'heap'].includes((s as Rec).kind as string);
const isDiagnostic = (d: unknown): boolean => hasCounts(d, ['count', 'last_frame']) &&
    typeof (d as Rec).code === 'string' && typeof (d as Rec).severity === 'string' &&
    typeof (d as Rec).last_message === 'string';
// duration_us of a phase and last_thread of a diagnostic are optional in the schema.
const isPhase = (p: unknown): boolean => hasCounts(p, ['bytes', 'count']) &&
    typeof (p as Rec).name === 'string' &&
    ((p as Rec).duration_us === undefined || isCount((p as Rec).duration_us));
const isBudgets = (b: unknown): boolean => isRecord(b) &&
    arrayOf(b.tags, (t) => hasCounts(t, BUDGET) && typeof (t as Rec).tag === 'string') &&
    arrayOf(b.threads, (t) => hasCounts(t, [...BUDGET, 'thread'])) &&
    (b.global === undefined || hasCounts(b.global, BUDGET));

/** Checks every field the inspector reads (the schema itself is enforced by fa-lsp and fa-report). */
export function isSnapshot(x: unknown): x is Snapshot {
  return isRecord(x) && x.version === 1 && isCount(x.frame) && isCount(x.duration_us) &&
      typeof x.timestamp === 'string' && hasCounts(x.summary, SUMMARY) && arrayOf(x.threads, isThread) &&
      arrayOf(x.tags, isTag) && hasCounts(x.promotions, ['to_pool', 'to_heap', 'failed']) &&
      hasCounts(x.transfers, ['pending', 'completed_this_frame', 'initiated', 'completed', 'dropped']) &&
      hasCounts(x.deferred, ['queue_depth', 'processed_this_frame']) &&
      arrayOf(x.diagnostics, isDiagnostic) && arrayOf(x.phases, isPhase) && isBudgets(x.budgets) &&
      arrayOf(x.sites, isSite);
}

/** The message if it is a well-formed HostToWebview, otherwise null. */
export function parseHostMessage(m: unknown): HostToWebview|null {
  if (!isRecord(m)) return null;
  switch (m.type) {
    case 'history':
      return arrayOf(m.frames, isSnapshot) ? {type: 'history', frames: m.frames as Snapshot[]} : null;
    case 'snapshot':
      return isSnapshot(m.snapshot) ? {type: 'snapshot', snapshot: m.snapshot} : null;
    case 'paused':
      return typeof m.paused === 'boolean' ? {type: 'paused', paused: m.paused} : null;
    case 'compare':
      return isCount(m.a) && isCount(m.b) ? {type: 'compare', a: m.a, b: m.b} : null;
    case 'config':
      return isCount(m.framesKept) && m.framesKept >= 1 ? {type: 'config', framesKept: m.framesKept} : null;
    default:
      return null;
  }
}
