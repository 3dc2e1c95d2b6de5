// Budget bars: used and peak against the limit for the global, tag and thread budgets, coloured at
// 70 / 90 / 100 percent of the limit.
import {budgetLevel, formatBytes, formatPercent, percentOf} from '../../shared/format';
import type {BudgetFigure} from '../../shared/protocol';
import type {PanelContext} from '../context';
import {byId, clear, el, emptyNote} from '../dom';

function bar(parent: Element, kind: string, key: string, label: string, b: BudgetFigure): void {
  const percent = percentOf(b.used, b.limit);
  const peakPercent = percentOf(b.peak, b.limit);
  const row = el('div', `budget budget-${budgetLevel(percent)}`);
  row.dataset.kind = kind;
  row.dataset.key = key;
  row.appendChild(el('span', 'budget-label', label));
  const track = el('div', 'budget-track');
  track.setAttribute('role', 'meter');
  track.setAttribute('aria-valuemin', '0');
  track.setAttribute('aria-valuemax', String(b.limit));
  track.setAttribute('aria-valuenow', String(b.used));
  const fill = el('div', 'budget-fill');
  fill.style.width = `${Math.min(percent, 100)}%`;
  const peak = el('div', 'budget-peak');
  peak.style.left = `${Math.min(peakPercent, 100)}%`;
  peak.title = `peak ${formatBytes(b.peak)} (${formatPercent(peakPercent)})`;
  track.append(fill, peak);
  row.appendChild(track);
  row.appendChild(el('span', 'budget-percent num', formatPercent(percent)));
  row.appendChild(
      el('span', 'budget-figures num',
         `${formatBytes(b.used)} / ${formatBytes(b.limit)} · peak ${formatBytes(b.peak)}`));
  parent.appendChild(row);
}

export function renderBudgets(ctx: PanelContext): void {
  const body = byId('fa-budgets-body');
  clear(body);
  const {budgets, threads} = ctx.frame;
  if (budgets.global) bar(body, 'global', '', 'Global', budgets.global);
  for (const t of budgets.tags) bar(body, 'tag', t.tag, `tag ${t.tag || '(untagged)'}`, t);
  for (const t of budgets.threads) {
    const name = threads.find((th) => th.index === t.thread)?.name;
    bar(body, 'thread', String(t.thread), `thread ${name ? `${name} #${t.thread}` : `#${t.thread}`}`, t);
  }
  if (!body.firstChild) emptyNote(body, 'No budgets are set in this frame.');
}
