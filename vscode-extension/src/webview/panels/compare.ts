// A/B comparison of two held frames: summary, tag, thread and site deltas (B − A) from diffFrames.
// Tag and site figures are cumulative, so their A and B columns are "allocated since start" and the
// difference is what was allocated between the two frames; summary and thread bytes are live.
import {formatBytes, formatCount, formatDuration, formatSignedBytes, formatSignedCount} from '../../shared/format';
import {type Delta, diffFrames} from '../../shared/frameDiff';
import type {PanelContext} from '../context';
import {byId, cell, clear, deltaClass, el, emptyNote, table} from '../dom';
import {comparePair} from '../state';

/** Rows per table; comparisons are sorted by the size of the change. */
const MAX_ROWS = 15;

type Fmt = (n: number) => string;
const bytes: [Fmt, Fmt] = [formatBytes, formatSignedBytes];
const counts: [Fmt, Fmt] = [formatCount, formatSignedCount];

function deltaRow(
    rows: HTMLTableSectionElement, key: string, label: string, d: Delta, [fmt, signed]: [Fmt, Fmt]) {
  const row = rows.insertRow();
  row.dataset.key = key;
  cell(row, label, 'label');
  cell(row, fmt(d.a), 'num a');
  cell(row, fmt(d.b), 'num b');
  cell(row, signed(d.delta), deltaClass(d.delta) + ' delta');
}

function fillSelect(select: HTMLSelectElement, frames: number[], chosen: number): void {
  clear(select);
  for (const f of frames) {
    const option = el('option', undefined, String(f));
    option.value = String(f);
    option.selected = f === chosen;
    select.appendChild(option);
  }
}

let listening = false;

export function renderCompare(ctx: PanelContext): void {
  const body = byId('fa-compare-body');
  clear(body);
  const selA = byId<HTMLSelectElement>('fa-compare-a');
  const selB = byId<HTMLSelectElement>('fa-compare-b');
  const pair = comparePair(ctx.state);
  if (!pair) return;
  const [a, b] = pair;
  const numbers = ctx.state.frames.map((f) => f.frame);
  fillSelect(selA, numbers, a.frame);
  fillSelect(selB, numbers, b.frame);
  if (!listening) {
    // The selects persist across renders; the listener reads their current values.
    const changed = () => ctx.actions.setCompare(Number(selA.value), Number(selB.value));
    selA.addEventListener('change', changed);
    selB.addEventListener('change', changed);
    listening = true;
  }
  if (a.frame === b.frame) emptyNote(body, 'A and B are the same frame: choose two frames to compare.');
  const d = diffFrames(a, b);

  body.appendChild(el('h3', undefined, `Summary: frame ${a.frame} → ${b.frame}`));
  const summary = table(body, 'diff-table diff-summary', ['live bytes / counts since start', 'A', 'B', 'Δ']);
  deltaRow(summary, 'total_bytes', 'Total', d.summary.total_bytes, bytes);
  deltaRow(summary, 'frame_bytes', 'Frame arena', d.summary.frame_bytes, bytes);
  deltaRow(summary, 'pool_bytes', 'Pool', d.summary.pool_bytes, bytes);
  deltaRow(summary, 'heap_bytes', 'Heap', d.summary.heap_bytes, bytes);
  deltaRow(summary, 'allocations', 'Allocations', d.summary.allocations, counts);
  deltaRow(summary, 'frees', 'Frees', d.summary.frees, counts);
  deltaRow(summary, 'failed_allocations', 'Failed', d.summary.failed_allocations, counts);
  deltaRow(
      summary, 'duration_us', 'Duration', d.summary.duration_us,
      [formatDuration, (n) => (n > 0 ? '+' : '') + formatDuration(n)]);

  const cumulative = ['A: allocated since start', 'B: allocated since start', 'allocated between A and B'];
  const section =
      (title: string, heading: string, columns: string[], rows: {key: string; label: string; d: Delta}[]) => {
        body.appendChild(el('h3', undefined, heading));
        if (rows.length === 0) return emptyNote(body, 'none in either frame');
        const t = table(body, `diff-table diff-${title.toLowerCase()}`, [title.slice(0, -1), ...columns]);
        rows.slice(0, MAX_ROWS).forEach((r) => deltaRow(t, r.key, r.label, r.d, bytes));
      };
  section(
      'Tags', 'Tags: bytes allocated (inclusive, cumulative)', cumulative,
      d.tags.map((t) => ({key: t.path, label: t.path || '(untagged)', d: t})));
  section(
      'Threads', 'Threads: live bytes (frame used + pool + heap)', ['A', 'B', 'Δ'],
      d.threads.map((t) => ({key: String(t.index), label: `${t.name || 'thread'} #${t.index}`, d: t})));
  section(
      'Sites', 'Sites: requested bytes (cumulative)', cumulative,
      d.sites.map((s) => ({key: s.key, label: `${s.file}:${s.line} (${s.kind})`, d: s})));
}
