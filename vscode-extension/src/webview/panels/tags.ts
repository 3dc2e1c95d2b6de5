// Tag tree table: bytes allocated since the allocator was created (inclusive and self; snapshot tag
// figures are cumulative), what was allocated since the previous snapshot held and per frame, the
// tag budget's live use against its limit and a "go to source" button for the tag's with_tag site.
import {formatBytes, formatCount, formatPercent} from '../../shared/format';
import {buildTagTree, flattenTree} from '../../shared/tagTree';
import type {PanelContext} from '../context';
import {byId, cell, clear, emptyNote, el, table} from '../dom';

/** A header row above the column names grouping them: [text, columns spanned]. */
function groupHeadings(rows: HTMLTableSectionElement, groups: [string, number][]): void {
  const head = (rows.parentElement as HTMLTableElement).tHead!.insertRow(0);
  head.className = 'group-headings';
  for (const [text, span] of groups) {
    const th = el('th', text ? 'group' : undefined, text);
    th.colSpan = span;
    th.scope = 'colgroup';
    head.appendChild(th);
  }
}

export function renderTags(ctx: PanelContext): void {
  const body = byId('fa-tags-body');
  clear(body);
  const nodes = flattenTree(buildTagTree(ctx.frame, ctx.previous));
  if (nodes.length === 0) {
    emptyNote(body, 'No tagged allocations in this frame.');
    return;
  }
  const live = ctx.state.mode === 'webview';
  const prev = ctx.previous;
  body.appendChild(el(
      'p', 'hint tag-legend',
      'Allocated since start: cumulative bytes since the allocator was created (inclusive = with child ' +
          'tags; frame, pool, heap and count are inclusive). ' +
          (prev ? `Allocated since frame ${prev.frame}: between the previous snapshot held and this one; ` +
                   `per frame: that ÷ ${Math.max(1, ctx.frame.frame - prev.frame)} frame(s). ` :
                  'No previous snapshot held: nothing to subtract. ') +
          '% budget: the tag budget\'s live bytes in use ÷ its limit.'));
  const headings =
      ['Tag', 'inclusive', 'self', 'frame', 'pool', 'heap', 'count', 'total', 'per frame', '% budget (live)'];
  const rows = table(body, 'tag-table', live ? [...headings, ''] : headings);
  groupHeadings(rows, [
    ['', 1], ['Allocated since start (cumulative)', 6],
    [prev ? `Allocated since frame ${prev.frame}` : 'Allocated since previous snapshot', 2],
    ['', live ? 2 : 1]
  ]);
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
    // What was allocated in between, not a change in size: no growth/shrink colour.
    cell(row, n.deltaInclusive === null ? '—' : formatBytes(n.deltaInclusive), 'num delta');
    cell(row, n.perFrame === null ? '—' : formatBytes(n.perFrame), 'num per-frame');
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
