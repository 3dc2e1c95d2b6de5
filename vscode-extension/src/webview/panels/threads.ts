// Per-thread lanes: frame arena use against capacity, pool and heap bytes, remote frees.
import {budgetLevel, formatBytes, formatCount, percentOf} from '../../shared/format';
import type {PanelContext} from '../context';
import {byId, clear, el, emptyNote} from '../dom';

export function renderThreads(ctx: PanelContext): void {
  const body = byId('fa-threads-body');
  clear(body);
  if (ctx.frame.threads.length === 0) {
    emptyNote(body, 'No registered threads.');
    return;
  }
  for (const t of ctx.frame.threads) {
    const lane = el('div', 'lane' + (t.exited ? ' lane-exited' : ''));
    lane.dataset.thread = String(t.index);
    const state = t.exited ? 'exited' : t.frame_active ? 'in frame' : 'idle';
    lane.appendChild(el('span', 'lane-name', `${t.name ?? 'thread'} #${t.index}`));
    lane.appendChild(el('span', 'lane-state', state));
    const percent = percentOf(t.frame_used_bytes, t.frame_capacity);
    const track = el('div', `budget-track budget-${budgetLevel(percent)}`);
    const fill = el('div', 'budget-fill');
    fill.style.width = `${Math.min(percent, 100)}%`;
    const peak = el('div', 'budget-peak');
    peak.style.left = `${Math.min(percentOf(t.frame_peak_bytes, t.frame_capacity), 100)}%`;
    peak.title = `frame peak ${formatBytes(t.frame_peak_bytes)}`;
    track.append(fill, peak);
    lane.appendChild(track);
    const figures = el('span', 'lane-figures num');
    figures.textContent = `frame ${formatBytes(t.frame_used_bytes)} / ${formatBytes(t.frame_capacity)} · ` +
        `pool ${formatBytes(t.pool_bytes)} · heap ${formatBytes(t.heap_bytes)} · ` +
        `remote frees ${formatCount(t.remote_frees)} · allocs ${formatCount(t.allocations)}`;
    lane.appendChild(figures);
    if (t.failed_allocations > 0)
      lane.appendChild(el('span', 'bad', `${formatCount(t.failed_allocations)} failed`));
    body.appendChild(lane);
  }
}
