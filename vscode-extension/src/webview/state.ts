// What the inspector shows: the frames held (oldest first), the selected frame and the A/B pair.
import type {HostToWebview, Snapshot} from '../shared/protocol';

export type StackBy = 'tag'|'thread';

export interface InspectorState {
  frames: Snapshot[];
  /** Selected frame number; null follows the newest frame as snapshots arrive. */
  selected: number|null;
  compareA: number|null;
  compareB: number|null;
  stackBy: StackBy;
  paused: boolean;
  framesKept: number;
  /** 'report': a static page (no host to post to); 'webview': inside VS Code. */
  mode: 'report'|'webview';
}

export const DEFAULT_FRAMES_KEPT = 300;

export function initialState(mode: InspectorState['mode']): InspectorState {
  return {
    frames: [],
    selected: null,
    compareA: null,
    compareB: null,
    stackBy: 'tag',
    paused: false,
    framesKept: DEFAULT_FRAMES_KEPT,
    mode
  };
}

/** Frames sorted by frame number, one per number (a resent frame replaces the old copy). */
function normalise(frames: Snapshot[], keep: number): Snapshot[] {
  const byNumber = new Map<number, Snapshot>();
  for (const f of frames) byNumber.set(f.frame, f);
  const sorted = [...byNumber.values()].sort((a, b) => a.frame - b.frame);
  return sorted.slice(Math.max(sorted.length - keep, 0));
}

export function frameIndex(s: InspectorState, frame: number|null): number {
  return frame === null ? -1 : s.frames.findIndex((f) => f.frame === frame);
}

/** The frame shown in the panels: the selected one while it is held, else the newest. */
export function currentFrame(s: InspectorState): Snapshot|undefined {
  const i = frameIndex(s, s.selected);
  return i >= 0 ? s.frames[i] : s.frames[s.frames.length - 1];
}

/** The frame held just before `frame` (for "delta vs previous frame"). */
export function previousFrame(s: InspectorState, frame: Snapshot): Snapshot|undefined {
  const i = frameIndex(s, frame.frame);
  return i > 0 ? s.frames[i - 1] : undefined;
}

/** Default A/B pair when none was chosen: the frame before the current one and the current one. */
export function comparePair(s: InspectorState): [Snapshot, Snapshot]|null {
  const a = s.frames[frameIndex(s, s.compareA)];
  const b = s.frames[frameIndex(s, s.compareB)];
  const cur = currentFrame(s);
  const prev = cur ? previousFrame(s, cur) : undefined;
  const first = a ?? prev ?? cur;
  const second = b ?? cur;
  return first && second ? [first, second] : null;
}

/** Applies a validated host message; returns the new state. */
export function applyMessage(s: InspectorState, m: HostToWebview): InspectorState {
  switch (m.type) {
    case 'history':
      return {...s, frames: normalise(m.frames, s.framesKept)};
    case 'snapshot':
      return {...s, frames: normalise([...s.frames, m.snapshot], s.framesKept)};
    case 'paused':
      return {...s, paused: m.paused};
    case 'compare':
      return {...s, compareA: m.a, compareB: m.b};
    case 'config':
      return {...s, framesKept: m.framesKept, frames: normalise(s.frames, m.framesKept)};
  }
}
