// Header: the selected frame's number, totals per kind and duration, plus live-view controls.
import {formatBytes, formatCount, formatDuration} from '../../shared/format';
import type {PanelContext} from '../context';
import {byId, clear, el, figure} from '../dom';

function button(label: string, id: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'action', label);
  b.type = 'button';
  b.id = id;
  b.addEventListener('click', onClick);
  return b;
}

export function renderHeader(ctx: PanelContext|null, frameCount: number): void {
  byId('fa-empty').hidden = ctx !== null;
  const figures = byId('fa-header-figures');
  clear(figures);
  const mode = byId('fa-mode');
  const actions = byId('fa-actions');
  clear(actions);
  if (!ctx) {
    mode.textContent = '';
    return;
  }
  const {frame: s, state} = ctx;
  const live = state.mode === 'webview';
  mode.textContent = live ? (state.paused ? 'paused' : 'live') : `report · ${frameCount} frames`;
  mode.className = 'badge ' + (live ? (state.paused ? 'badge-paused' : 'badge-live') : 'badge-report');
  figure(figures, 'Frame', String(s.frame)).id = 'fa-frame-number';
  figure(figures, 'Total', formatBytes(s.summary.total_bytes), 'strong').id = 'fa-total';
  figure(figures, 'Frame arena', formatBytes(s.summary.frame_bytes)).id = 'fa-frame-bytes';
  figure(figures, 'Pool', formatBytes(s.summary.pool_bytes)).id = 'fa-pool-bytes';
  figure(figures, 'Heap', formatBytes(s.summary.heap_bytes)).id = 'fa-heap-bytes';
  figure(figures, 'Duration', formatDuration(s.duration_us)).id = 'fa-duration';
  figure(figures, 'Allocations', formatCount(s.summary.allocations));
  figure(
      figures, 'Failed', formatCount(s.summary.failed_allocations),
      s.summary.failed_allocations > 0 ? 'bad' : undefined);
  figure(figures, 'Threads', formatCount(s.summary.thread_count));
  figure(figures, 'Time', s.timestamp).parentElement!.classList.add('wide');

  if (live) {
    actions.appendChild(
        button(state.paused ? 'Resume' : 'Pause', 'fa-pause', () => ctx.actions.setPaused(!state.paused)));
    actions.appendChild(button('Request snapshot', 'fa-request', () => ctx.actions.requestSnapshot()));
  }
  if (state.selected !== null) {
    actions.appendChild(button('Follow latest', 'fa-follow', () => ctx.actions.followLatest()));
  }
}
