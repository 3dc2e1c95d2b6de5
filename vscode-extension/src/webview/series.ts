// Timeline data. "By tag" plots bytes ALLOCATED PER FRAME per top-level tag: snapshot tag figures are
// cumulative since the allocator was created, so a frame's value is the growth since the previous
// snapshot divided by the frame gap. "By thread" plots live bytes (frame used + pool + heap).
import type {Snapshot} from '../shared/protocol';
import {buildTagTree, restartedBetween} from '../shared/tagTree';

export {restartedBetween};
import type {StackBy} from './state';

/** A value per frame; null where the frame has none (uPlot draws a gap). */
export type Values = (number|null)[];

export interface Series {
  label: string;
  values: Values
}
export interface Timeline {
  frames: number[];
  /** Tag mode: sum of the layers (allocated per frame); thread mode: summary.total_bytes (live). */
  totals: Values;
  /** Stack layers, largest overall first. */
  layers: Series[];
  /** What the y values are, for the axis and the legend. */
  unit: 'allocated per frame'|'live bytes';
}

/** More layers than this are merged into "other" so the chart stays readable. */
export const MAX_LAYERS = 8;

/**
 * Bytes allocated per frame per top-level tag between consecutive snapshots:
 * (cum_b − cum_a) / max(1, frame_b − frame_a). The first frame and a frame after a restart have no
 * predecessor to subtract, so their values are null rather than the whole cumulative figure.
 */
export function perFrameByTopTag(frames: Snapshot[]): Map<string, Values> {
  const inclusive = frames.map((f) => new Map(buildTagTree(f).map((n) => [n.name, n.inclusive.total])));
  const labels = new Set(inclusive.flatMap((m) => [...m.keys()]));
  const layers = new Map<string, Values>();
  for (const label of labels) layers.set(label, new Array<number|null>(frames.length).fill(null));
  for (let i = 1; i < frames.length; i++) {
    if (restartedBetween(frames[i - 1], frames[i])) continue;
    const gap = Math.max(1, frames[i].frame - frames[i - 1].frame);
    for (const label of labels) {
      const grown = (inclusive[i].get(label) ?? 0) - (inclusive[i - 1].get(label) ?? 0);
      layers.get(label)![i] = grown / gap;
    }
  }
  return layers;
}

function liveByThread(frames: Snapshot[]): Map<string, Values> {
  const layers = new Map<string, Values>();
  frames.forEach((f, i) => {
    for (const t of f.threads) {
      const label = t.name ? `${t.name} #${t.index}` : `thread #${t.index}`;
      let values = layers.get(label);
      if (!values) layers.set(label, values = new Array<number|null>(frames.length).fill(0));
      values[i] = (values[i] ?? 0) + t.frame_used_bytes + t.pool_bytes + t.heap_bytes;
    }
  });
  return layers;
}

const sumOf = (values: Values): number => values.reduce<number>((a, b) => a + (b ?? 0), 0);

/** Sum per frame of the layers; null where every layer is null. */
function sumLayers(layers: Series[], length: number): Values {
  const out: Values = new Array<number|null>(length).fill(null);
  for (const s of layers)
    s.values.forEach((v, i) => {
      if (v !== null) out[i] = (out[i] ?? 0) + v;
    });
  return out;
}

export function buildTimeline(frames: Snapshot[], stackBy: StackBy): Timeline {
  const source = stackBy === 'tag' ? perFrameByTopTag(frames) : liveByThread(frames);
  const all = [...source].map(([label, values]) => ({label, values}));
  all.sort((a, b) => sumOf(b.values) - sumOf(a.values) || a.label.localeCompare(b.label));
  const layers = all.slice(0, MAX_LAYERS);
  if (all.length > MAX_LAYERS)
    layers.push({label: 'other', values: sumLayers(all.slice(MAX_LAYERS), frames.length)});
  const numbers = frames.map((f) => f.frame);
  if (stackBy === 'tag') {
    return {frames: numbers, totals: sumLayers(all, frames.length), layers, unit: 'allocated per frame'};
  }
  return {frames: numbers, totals: frames.map((f) => f.summary.total_bytes), layers, unit: 'live bytes'};
}

/** Running sums bottom-up: stacked[k][i] = layers[0..k] at frame i; null where the frame has no value. */
export function stack(layers: Series[]): Values[] {
  const out: Values[] = [];
  layers.forEach((layer, k) => out.push(layer.values.map((v, i) => {
    if (v === null) return null;
    const below = k > 0 ? out[k - 1][i] : 0;
    return v + (below ?? 0);
  })));
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Indices of frames whose value exceeds `factor` × the median of the `window` valued frames before it.
 * The first frame has no history and is never a spike; a zero median (idle start) and null values
 * (frames without a figure) are skipped too.
 */
export function findSpikes(values: Values, window = 15, factor = 1.5): number[] {
  const spikes: number[] = [];
  const history: number[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    if (history.length > 0) {
      const m = median(history.slice(-window));
      if (m > 0 && v > factor * m) spikes.push(i);
    }
    history.push(v);
  });
  return spikes;
}

/** Index of the largest value (the first one on ties); -1 when empty or flat (no frame stands out). */
export function peakIndex(values: Values): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v !== null && (best < 0 || v > (values[best] as number))) best = i;
  });
  return best >= 0 && values.some((v) => v !== null && v < (values[best] as number)) ? best : -1;
}
