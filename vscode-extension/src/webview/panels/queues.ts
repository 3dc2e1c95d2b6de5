// Promotions (frame → pool / heap), cross-thread transfers and the deferred-free queue.
import {formatCount, formatSignedCount} from '../../shared/format';
import type {PanelContext} from '../context';
import {byId, clear, el, figure} from '../dom';

function group(parent: Element, title: string): HTMLDListElement {
  const box = el('div', 'queue-group');
  box.appendChild(el('h3', undefined, title));
  const list = el('dl', 'figures');
  box.appendChild(list);
  parent.appendChild(box);
  return list;
}

export function renderQueues(ctx: PanelContext): void {
  const body = byId('fa-queues-body');
  clear(body);
  const {promotions, transfers, deferred} = ctx.frame;
  const prev = ctx.previous;
  const p = group(body, 'Promotions');
  figure(p, 'to pool', formatCount(promotions.to_pool)).id = 'fa-promoted-pool';
  figure(p, 'to heap', formatCount(promotions.to_heap)).id = 'fa-promoted-heap';
  figure(p, 'failed', formatCount(promotions.failed), promotions.failed > 0 ? 'bad' : undefined);
  const t = group(body, 'Transfers');
  figure(t, 'pending', formatCount(transfers.pending)).id = 'fa-transfers-pending';
  figure(t, 'completed this frame', formatCount(transfers.completed_this_frame));
  figure(
      t, 'initiated / completed',
      `${formatCount(transfers.initiated)} / ${formatCount(transfers.completed)}`);
  figure(t, 'dropped', formatCount(transfers.dropped), transfers.dropped > 0 ? 'bad' : undefined);
  const d = group(body, 'Deferred frees');
  const depth = prev ? ` (${formatSignedCount(deferred.queue_depth - prev.deferred.queue_depth)})` : '';
  figure(d, 'queue depth', formatCount(deferred.queue_depth) + depth).id = 'fa-deferred-depth';
  figure(d, 'processed this frame', formatCount(deferred.processed_this_frame));
}
