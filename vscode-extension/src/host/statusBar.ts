// The status bar item: the shown frame's total bytes and its worst budget (tag, thread or global),
// coloured like VS Code's own warnings at 90% and errors at 100%.
import * as vscode from 'vscode';

import {formatBytes, formatPercent, percentOf} from '../shared/format';

import type {Snapshot} from '../shared/protocol';

export interface WorstBudget {
  label: string;
  percent: number;
  used: number;
  limit: number
}

/** The budget with the highest used/limit; null when the snapshot has no budget with a limit. */
export function worstBudget(s: Snapshot): WorstBudget|null {
  const all: WorstBudget[] = [];
  for (const b of s.budgets.tags)
    all.push({label: `tag ${b.tag === '' ? '(untagged)' : b.tag}`, percent: 0, used: b.used, limit: b.limit});
  for (const b of s.budgets.threads) {
    const name = s.threads.find((t) => t.index === b.thread)?.name;
    all.push(
        {label: `thread ${b.thread}${name ? ` (${name})` : ''}`, percent: 0, used: b.used, limit: b.limit});
  }
  if (s.budgets.global)
    all.push({label: 'global', percent: 0, used: s.budgets.global.used, limit: s.budgets.global.limit});
  let worst: WorstBudget|null = null;
  for (const b of all) {
    if (b.limit <= 0) continue;
    b.percent = percentOf(b.used, b.limit);
    if (!worst || b.percent > worst.percent) worst = b;
  }
  return worst;
}

export type StatusColour = 'statusBarItem.warningBackground'|'statusBarItem.errorBackground'|undefined;

export interface StatusView {
  text: string;
  tooltip: string;
  background: StatusColour
}

export function budgetColour(percent: number|undefined): StatusColour {
  if (percent === undefined) return undefined;
  if (percent >= 100) return 'statusBarItem.errorBackground';
  if (percent >= 90) return 'statusBarItem.warningBackground';
  return undefined;
}

export function statusView(s: Snapshot|undefined, paused: boolean, pinned: boolean): StatusView {
  const icon = paused ? '$(debug-pause)' : '$(pulse)';
  if (!s) {
    return {
      text: `${icon} fa: no frames`,
      tooltip: 'framealloc: no snapshot received yet',
      background: undefined
    };
  }
  const worst = worstBudget(s);
  const budget = worst ? ` · ${formatPercent(worst.percent)}` : '';
  const lines = [
    `framealloc frame ${s.frame}${pinned ? ' (selected)' : ''}${paused ? ' — live view paused' : ''}`,
    `total ${formatBytes(s.summary.total_bytes)} (frame ${formatBytes(s.summary.frame_bytes)}, ` +
        `pool ${formatBytes(s.summary.pool_bytes)}, heap ${formatBytes(s.summary.heap_bytes)})`,
    worst ? `worst budget: ${worst.label} ${formatBytes(worst.used)} of ${formatBytes(worst.limit)} ` +
            `(${formatPercent(worst.percent)})` :
            'no budgets set',
  ];
  return {
    text: `${icon} fa ${formatBytes(s.summary.total_bytes)}${budget}`,
    tooltip: lines.join('\n'),
    background: budgetColour(worst?.percent),
  };
}

/** Owns the vscode.StatusBarItem; `update` is called on every feed change. */
export class FrameStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('framealloc.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'framealloc';
    this.item.command = 'framealloc.openInspector';
    this.update(undefined, false, false);
    this.item.show();
  }

  update(s: Snapshot|undefined, paused: boolean, pinned: boolean): StatusView {
    const view = statusView(s, paused, pinned);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    return view;
  }

  dispose(): void { this.item.dispose(); }
}
