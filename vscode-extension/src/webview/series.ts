// Timeline data: bytes per frame stacked by top-level tag or by thread, the peak frame and spikes.
import type {Snapshot} from '../shared/protocol';
import {buildTagTree} from '../shared/tagTree';
import type {StackBy} from './state';

export interface Series {
  label: string;
  values: number[]
}
export interface Timeline {
  frames: number[];
  totals: number[];
  /** Stack layers, largest overall first. */
  layers: Series[];
}

/** More layers than this are merged into "other" so the chart stays readable. */
export const MAX_LAYERS = 8;

function layerValues(frames: Snapshot[], stackBy: StackBy): Map<string, number[]> {
  const layers = new Map<string, number[]>();
  frames.forEach((f, i) => {
    const entries: [string, number][] = stackBy === 'tag' ?
        buildTagTree(f).map((n) => [n.name, n.inclusive.total]) :
        f.threads.map(
            (t) =>
                [t.name ? `${t.name} #${t.index}` : `thread #${t.index}`,
                 t.frame_used_bytes + t.pool_bytes + t.heap_bytes]);
    for (const [label, bytes] of entries) {
      let values = layers.get(label);
      if (!values) layers.set(label, values = new Array<number>(frames.length).fill(0));
      values[i] += bytes;
    }
  });
  return layers;
}

export function buildTimeline(frames: Snapshot[], stackBy: StackBy): Timeline {
  const all = [...layerValues(frames, stackBy)].map(([label, values]) => ({label, values}));
  const sum = (s: Series) => s.values.reduce((a, b) => a + b, 0);
  all.sort((a, b) => sum(b) - sum(a) || a.label.localeCompare(b.label));
  const layers = all.slice(0, MAX_LAYERS);
  if (all.length > MAX_LAYERS) {
    const other = new Array<number>(frames.length).fill(0);
    for (const s of all.slice(MAX_LAYERS)) s.values.forEach((v, i) => (other[i] += v));
    layers.push({label: 'other', values: other});
  }
  return {frames: frames.map((f) => f.frame), totals: frames.map((f) => f.summary.total_bytes), layers};
}

/** Running sums bottom-up: stacked[k][i] = layers[0..k] at frame i. */
export function stack(layers: Series[]): number[][] {
  const out: number[][] = [];
  layers.forEach((layer, k) => out.push(layer.values.map((v, i) => v + (k > 0 ? out[k - 1][i] : 0))));
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Indices of frames whose value exceeds `factor` × the median of the `window` frames before it.
 * The first frame has no history and is never a spike; a zero median (idle start) is skipped too.
 */
export function findSpikes(values: number[], window = 15, factor = 1.5): number[] {
  const spikes: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const m = median(values.slice(Math.max(0, i - window), i));
    if (m > 0 && values[i] > factor * m) spikes.push(i);
  }
  return spikes;
}

/** Index of the largest value (the first one on ties); -1 when empty or flat (no frame stands out). */
export function peakIndex(values: number[]): number {
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || v > values[best]) best = i;
  });
  return best >= 0 && values.some((v) => v < values[best]) ? best : -1;
}
