// Runtime diagnostics reported up to this frame (FA codes with their last message).
import {formatCount} from '../../shared/format';
import type {PanelContext} from '../context';
import {byId, cell, clear, emptyNote, table} from '../dom';

export function renderDiagnostics(ctx: PanelContext): void {
  const body = byId('fa-diagnostics-body');
  clear(body);
  const list = ctx.frame.diagnostics;
  if (list.length === 0) {
    emptyNote(body, 'No runtime diagnostics.');
    return;
  }
  const rows = table(body, 'diag-table', ['Code', 'Severity', 'Count', 'Last frame', 'Last message'], 2);
  for (const d of list) {
    const row = rows.insertRow();
    row.dataset.code = d.code;
    cell(row, d.code, 'code');
    cell(row, d.severity, `severity-${d.severity}`);
    cell(row, formatCount(d.count), 'num');
    cell(row, String(d.last_frame), 'num');
    cell(row, d.last_message, 'message');
  }
}
