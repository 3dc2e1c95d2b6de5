// The frames the extension shows: receives fa-lsp's framealloc/snapshot notifications, keeps the
// newest `framesKept` in a ring, buffers arrivals while the live view is paused, and tells the
// tree view, status bar and inspector webviews what changed. No vscode API here (tested directly).
import type {Snapshot} from '../shared/protocol';
import {RingBuffer} from '../shared/ringBuffer';

export type FeedEvent =|{
  kind: 'snapshot';
  snapshot: Snapshot
}  // one new frame appended (live)
|{
  kind: 'history';
  frames: Snapshot[]
}  // the whole ring changed (resume, resize, clear)
|{
  kind: 'paused';
  paused: boolean
}
|{
  kind: 'selection';
  frame: number|undefined
};

export type FeedListener = (event: FeedEvent) => void;

/** The minimal shape the host relies on; the server has already checked the file against the schema. */
export function isSnapshot(x: unknown): x is Snapshot {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Partial<Snapshot>;
  return s.version === 1 && typeof s.frame === 'number' && Number.isSafeInteger(s.frame) && s.frame >= 0 &&
      typeof s.summary === 'object' && s.summary !== null && Array.isArray(s.tags) &&
      Array.isArray(s.threads) && typeof s.budgets === 'object' && s.budgets !== null;
}

export class LiveFeed {
  private ring: RingBuffer<Snapshot>;
  private pending: RingBuffer<Snapshot>;
  private listeners = new Set<FeedListener>();
  private pausedState = false;
  private selectedFrame: number|undefined;
  /** Notifications that were not snapshots (logged by the caller). */
  rejected = 0;

  constructor(capacity: number) {
    this.ring = new RingBuffer(capacity);
    this.pending = new RingBuffer(capacity);
  }

  get paused(): boolean { return this.pausedState; }
  get capacity(): number { return this.ring.capacity; }
  frames(): Snapshot[] { return this.ring.toArray(); }
  /** Frames that arrived while paused (shown on resume). */
  pendingCount(): number { return this.pending.size; }
  latest(): Snapshot|undefined { return this.ring.newest(); }
  frame(n: number): Snapshot|undefined { return this.ring.find((s) => s.frame === n); }

  /** The frame before `s` among those kept (for deltas), if any. */
  previousOf(s: Snapshot): Snapshot|undefined {
    const all = this.ring.toArray();
    const i = all.findIndex((f) => f.frame === s.frame);
    return i > 0 ? all[i - 1] : undefined;
  }

  /** The frame the user selected in the timeline, or the newest when none is (or it was evicted). */
  current(): Snapshot|undefined {
    return (this.selectedFrame !== undefined ? this.frame(this.selectedFrame) : undefined) ?? this.latest();
  }

  onDidChange(listener: FeedListener): {dispose(): void} {
    this.listeners.add(listener);
    return {dispose: () => this.listeners.delete(listener)};
  }

  /** Handles a framealloc/snapshot notification `{snapshot, delta}`; returns false when it is malformed. */
  receive(params: unknown): boolean {
    const snapshot = (params as {snapshot?: unknown} | null)?.snapshot;
    if (!isSnapshot(snapshot)) {
      ++this.rejected;
      return false;
    }
    if (this.pausedState) {
      this.pending.push(snapshot);
    } else {
      this.ring.push(snapshot);
      this.emit({kind: 'snapshot', snapshot});
    }
    return true;
  }

  /** Replaces the kept frames. */
  load(frames: Snapshot[]): void {
    this.ring.clear();
    this.pending.clear();
    for (const s of frames.filter(isSnapshot)) this.ring.push(s);
    this.emit({kind: 'history', frames: this.ring.toArray()});
  }

  /**
   * Adds the frames of a (re)started server's framealloc/history that are newer than the newest kept
   * one; the frames kept so far stay, so restarting the server does not empty the views. Returns how
   * many were added.
   */
  catchUp(frames: Snapshot[]): number {
    const newest = this.latest()?.frame ?? -1;
    const newer = frames.filter(isSnapshot).filter((s) => s.frame > newest).sort((a, b) => a.frame - b.frame);
    for (const s of newer) (this.pausedState ? this.pending : this.ring).push(s);
    if (newer.length > 0 && !this.pausedState) this.emit({kind: 'history', frames: this.ring.toArray()});
    return newer.length;
  }

  pause(): void {
    if (this.pausedState) return;
    this.pausedState = true;
    this.emit({kind: 'paused', paused: true});
  }

  resume(): void {
    if (!this.pausedState) return;
    this.pausedState = false;
    const buffered = this.pending.toArray();
    this.pending.clear();
    for (const s of buffered) this.ring.push(s);
    this.emit({kind: 'paused', paused: false});
    if (buffered.length > 0) this.emit({kind: 'history', frames: this.ring.toArray()});
  }

  setCapacity(capacity: number): void {
    if (capacity === this.ring.capacity) return;
    const dropped = this.ring.resize(capacity);
    this.pending.resize(capacity);
    if (dropped.length > 0) this.emit({kind: 'history', frames: this.ring.toArray()});
  }

  /** Selects a kept frame; selecting the newest (or an unknown frame) follows the live feed again. */
  select(frame: number|undefined): void {
    const pinned = frame !== undefined && this.frame(frame) !== undefined && this.latest()?.frame !== frame;
    this.selectedFrame = pinned ? frame : undefined;
    this.emit({kind: 'selection', frame: this.selectedFrame});
  }

  get selection(): number|undefined { return this.selectedFrame; }

  private emit(event: FeedEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
