// Allocation sites ranked by bytes requested since the allocator was created (snapshot site figures
// are cumulative); in VS Code a site opens its source line, in the report the location is text.
import {formatBytes, formatCount, formatPercent, percentOf} from '../../shared/format';
import type {SnapshotSite} from '../../shared/protocol';
import type {PanelContext} from '../context';
import {byId, cell, clear, el, emptyNote, table} from '../dom';

/** At most this many rows; the rest is summarised in one line. */
export const MAX_SITES = 50;

export function rankSites(sites: SnapshotSite[]): SnapshotSite[] {
  return [...sites].sort(
      (a, b) => b.bytes - a.bytes || b.count - a.count || a.file.localeCompare(b.file) || a.line - b.line);
}

export function renderSites(ctx: PanelContext): void {
  const body = byId('fa-sites-body');
  clear(body);
  const ranked = rankSites(ctx.frame.sites);
  if (ranked.length === 0) {
    emptyNote(body, 'No allocation sites recorded (build with site tracking to see them).');
    return;
  }
  const total = ranked.reduce((sum, s) => sum + s.bytes, 0);
  const rows = table(
      body, 'site-table',
      [
        '#', 'Location', 'Function', 'Tag', 'Kind', 'Count since start', 'Bytes requested since start',
        'Share'
      ],
      5);
  ranked.slice(0, MAX_SITES).forEach((s, i) => {
    const row = rows.insertRow();
    row.dataset.site = `${s.file}:${s.line}:${s.kind}`;
    cell(row, String(i + 1), 'rank');
    const where = cell(row, '', 'location');
    const label = `${s.file}:${s.line}`;
    if (ctx.state.mode === 'webview') {
      const open = el('button', 'link open-source', label);
      open.type = 'button';
      open.title = `Open ${label}`;
      open.addEventListener('click', () => ctx.actions.openSource(s.file, s.line));
      where.appendChild(open);
    } else if (s.file.startsWith('/')) {
      // Report: absolute paths become file links (they open when the report is read on the same machine).
      const link = el('a', 'file-link', label);
      link.href = 'file://' + s.file.split('/').map(encodeURIComponent).join('/');
      where.appendChild(link);
    } else {
      where.textContent = label;
    }
    cell(row, s.function, 'function').title = s.function;
    cell(row, s.tag || '(untagged)');
    cell(row, s.kind, `kind kind-${s.kind}`);
    cell(row, formatCount(s.count), 'num');
    cell(row, formatBytes(s.bytes), 'num bytes');
    cell(row, formatPercent(percentOf(s.bytes, total)), 'num');
  });
  if (ranked.length > MAX_SITES) emptyNote(body, `${ranked.length - MAX_SITES} smaller sites not shown.`);
}
