// Tag tree table: inclusive and exclusive bytes per tag, the change since the previous frame held,
// the share of the tag's budget and a "go to source" button for the tag's with_tag site.
import {formatBytes, formatCount, formatPercent, formatSignedBytes} from '../../shared/format';
import {buildTagTree, flattenTree} from '../../shared/tagTree';
import type {PanelContext} from '../context';
import {byId, cell, clear, deltaClass, emptyNote, el, table} from '../dom';

export function renderTags(ctx: PanelContext): void {
  const body = byId('fa-tags-body');
  clear(body);
  const nodes = flattenTree(buildTagTree(ctx.frame, ctx.previous));
  if (nodes.length === 0) {
    emptyNote(body, 'No tagged allocations in this frame.');
    return;
  }
  const live = ctx.state.mode === 'webview';
  const headings = ['Tag', 'Inclusive', 'Self', 'Frame', 'Pool', 'Heap', 'Count', 'Δ prev', '% budget'];
  const rows = table(body, 'tag-table', live ? [...headings, ''] : headings);
  for (const n of nodes) {
    const row = rows.insertRow();
    row.dataset.path = n.path;
    const name = cell(row, n.name, `tag-name depth-${Math.min(n.depth, 6)}`);
    name.title = n.path || '(untagged)';
    cell(row, formatBytes(n.inclusive.total), 'num inclusive');
    cell(row, formatBytes(n.self.total), 'num self');
    cell(row, formatBytes(n.inclusive.frame), 'num');
    cell(row, formatBytes(n.inclusive.pool), 'num');
    cell(row, formatBytes(n.inclusive.heap), 'num');
    cell(row, formatCount(n.inclusive.count), 'num');
    cell(row, formatSignedBytes(n.deltaInclusive), deltaClass(n.deltaInclusive) + ' delta');
    cell(row, n.budget ? formatPercent(n.budget.percent) : '—', 'num budget-percent');
    if (live) {
      const td = cell(row, '');
      if (n.path !== '') {
        const go = el('button', 'link go-to-source', 'go to source');
        go.type = 'button';
        go.title = `Reveal the with_tag site of ${n.path}`;
        go.addEventListener('click', () => ctx.actions.revealTag(n.path));
        td.appendChild(go);
      }
    }
  }
}
