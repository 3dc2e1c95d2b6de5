// Timeline (uPlot): bytes allocated per frame stacked by top-level tag, or live bytes stacked by thread
// with the global budget; the total, the peak frame and spikes (frames above 1.5x the moving median).
// Clicking selects a frame.
import uPlot from 'uplot';

import {formatBytes} from '../../shared/format';

import type {PanelContext} from '../context';
import {byId, clear, el} from '../dom';
import {buildTimeline, findSpikes, peakIndex, stack, type Values} from '../series';
import {frameIndex} from '../state';

const PALETTE =
    ['#4e9bd6', '#e0a43a', '#5cb87a', '#c76fd0', '#d65c5c', '#46b8b0', '#a3a948', '#8c8cd9', '#999999'];
const HEIGHT = 240;
const TAG_CAPTION =
    'Bytes allocated per frame by each top-level tag: the growth of its cumulative counters ' +
    'since the previous snapshot ÷ the frames between them. No value (gap) for the first frame held or ' +
    'after a restart. Budget lines are in the thread view: budgets limit live bytes.';
const THREAD_CAPTION =
    'Live bytes per thread at each snapshot (frame arena used + pool + heap); dashed: the global budget limit, when one is set.';

let chart: uPlot|null = null;
let chartKey = '';
let selectedIndex = -1;
/** What the keyboard handler moves through; refreshed on every render. */
let keyboardTarget: {frames: number[]; select: (frame: number) => void}|null = null;

const KEY_STEPS: Record<string, (i: number, last: number) => number> = {
  ArrowLeft: (i) => i - 1,
  ArrowRight: (i) => i + 1,
  Home: () => 0,
  End: (_i, last) => last,
};

/** Left/Right/Home/End on the focused timeline select the neighbouring, first or last frame. */
function listenForKeys(body: HTMLElement): void {
  if (body.tabIndex === 0) return;
  body.tabIndex = 0;
  body.setAttribute('aria-label', 'Timeline: arrow keys select the previous or next frame');
  body.addEventListener('keydown', (event) => {
    const step = KEY_STEPS[event.key];
    if (!step || !keyboardTarget || keyboardTarget.frames.length === 0) return;
    event.preventDefault();
    const last = keyboardTarget.frames.length - 1;
    const next = Math.min(Math.max(step(selectedIndex, last), 0), last);
    if (next !== selectedIndex) keyboardTarget.select(keyboardTarget.frames[next]);
  });
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function withAlpha(hex: string, alpha: string): string { return hex + alpha; }

/** A vertical line at the selected frame, drawn over the plot after each redraw. */
function selectionPlugin(): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        if (selectedIndex < 0 || selectedIndex >= u.data[0].length) return;
        const x = Math.round(u.valToPos(u.data[0][selectedIndex] as number, 'x', true));
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = cssVar('--fa-accent', '#3794ff');
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
}

function marker(
    label: string, color: string, size: number, values: (number|null)[]): [uPlot.Series, (number | null)[]] {
  return [
    {
      label,
      stroke: color,
      width: 0,
      paths: () => null,
      points: {show: true, size, width: 2, stroke: color, fill: color},
      value: (_u, v) => (v === null || v === undefined ? '' : formatBytes(v))
    },
    values
  ];
}

export function renderTimeline(ctx: PanelContext): void {
  const body = byId('fa-timeline-body');
  listenForKeys(body);
  const {frames, stackBy} = ctx.state;
  selectedIndex = frameIndex(ctx.state, ctx.frame.frame);
  keyboardTarget = {frames: frames.map((f) => f.frame), select: (f) => ctx.actions.selectFrame(f)};
  for (const id of ['fa-stack-tag', 'fa-stack-thread']) {
    byId(id).setAttribute('aria-pressed', String(id === `fa-stack-${stackBy}`));
  }
  const width = Math.max(body.clientWidth - 8, 320);
  const key = `${stackBy}|${width}|${frames.map((f) => f.frame).join(',')}`;
  body.dataset.selected = String(ctx.frame.frame);
  if (chart && key === chartKey) {
    chart.redraw(false, false);
    return;
  }
  chart?.destroy();
  chart = null;
  clear(body);
  chartKey = key;

  const t = buildTimeline(frames, stackBy);
  body.dataset.unit = t.unit;
  const spikes = findSpikes(t.totals);
  const peak = peakIndex(t.totals);
  body.dataset.spikes = spikes.map((i) => t.frames[i]).join(',');
  body.dataset.peak = peak >= 0 ? String(t.frames[peak]) : '';
  if (frames.length < 2) {
    body.appendChild(el('p', 'empty', 'The timeline needs at least two frames.'));
    return;
  }

  const fg = cssVar('--fa-fg', '#cccccc');
  const grid = cssVar('--fa-grid', 'rgba(128,128,128,0.25)');
  const series: uPlot.Series[] = [{label: 'frame'}];
  const data: Values[] = [t.frames];
  const stacked = stack(t.layers);
  // Top of the stack first: each layer is filled down to zero and the next (lower) one paints over it.
  for (let k = t.layers.length - 1; k >= 0; k--) {
    const raw = t.layers[k].values;
    const color = PALETTE[k % PALETTE.length];
    series.push({
      label: t.layers[k].label,
      stroke: color,
      fill: withAlpha(color, 'b0'),
      width: 1,
      points: {show: false},
      value: (_u, _v, _s, i) => (i === null || raw[i] === null ? '—' : formatBytes(raw[i] as number))
    });
    data.push(stacked[k]);
  }
  series.push({
    label: stackBy === 'tag' ? 'total allocated per frame' : 'total live bytes',
    stroke: fg,
    width: 1.5,
    points: {show: false},
    value: (_u, v) => (v === null ? '—' : formatBytes(v))
  });
  data.push(t.totals);

  const budgetLine = (label: string, values: (number|null)[], color: string) => {
    if (values.every((v) => v === null)) return;
    series.push({
      label,
      stroke: color,
      width: 1.5,
      dash: [6, 4],
      spanGaps: true,
      points: {show: false},
      value: (_u, v) => (v === null ? '' : formatBytes(v))
    });
    data.push(values);
  };
  // Budgets limit LIVE bytes: only the thread view (live bytes) can be read against them. Bytes
  // allocated per frame are a rate, so the tag view draws no budget line (the Budgets panel has them).
  if (stackBy === 'thread') {
    budgetLine('global budget', frames.map((f) => f.budgets.global?.limit ?? null), '#e05252');
  }
  // Spikes first as larger rings, then the peak as a smaller dot: both stay visible on the same frame.
  const spikeSet = new Set(spikes);
  const [spikeSeries, spikeValues] =
      marker('spike', '#f2c12e', 13, t.totals.map((v, i) => (spikeSet.has(i) ? v : null)));
  series.push(spikeSeries);
  data.push(spikeValues);
  const [peakSeries, peakValues] =
      marker('peak', '#e05252', 7, t.totals.map((v, i) => (i === peak ? v : null)));
  series.push(peakSeries);
  data.push(peakValues);

  const axis = {stroke: fg, grid: {stroke: grid, width: 1}, ticks: {stroke: grid, width: 1}};
  chart = new uPlot(
      {
        width,
        height: HEIGHT,
        // Stacked areas only read right from a zero baseline.
        scales: {x: {time: false}, y: {range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1]}},
        series,
        axes: [
          {...axis, label: 'frame'},
          {...axis, size: 80, label: t.unit, values: (_u, ticks) => ticks.map((v) => formatBytes(v))},
        ],
        cursor: {drag: {x: false, y: false}},
        legend: {live: true},
        plugins: [selectionPlugin()],
      },
      data as uPlot.AlignedData, body);
  body.appendChild(el('p', 'hint timeline-caption', stackBy === 'tag' ? TAG_CAPTION : THREAD_CAPTION));
  const plot = chart;
  plot.over.addEventListener('click', () => {
    const i = plot.cursor.idx;
    if (i !== null && i !== undefined) ctx.actions.selectFrame(t.frames[i]);
  });
}
