// The "Tags" tree view: buildTagTree of the selected (or newest) frame. Each row shows the bytes the tag
// allocated since the allocator was created (inclusive and self; snapshot tag figures are cumulative),
// what it allocated since the previous snapshot and per frame, and its budget's live use; the context
// menu's "Go to Tag Source" opens the with_tag / push_tag / TagScope naming it.
import * as vscode from 'vscode';

import {formatBytes, formatCount, formatPercent} from '../shared/format';

import type {Snapshot} from '../shared/protocol';
import {buildTagTree, type TagNode} from '../shared/tagTree';

export const TAG_CONTEXT = 'framealloc.tag';

/** "1.5 MiB / 512 KiB self since start · +2 KiB since prev (1 KiB/frame) · 85.0% of budget" */
export function tagDescription(n: TagNode): string {
  const parts = [`${formatBytes(n.inclusive.total)} / ${formatBytes(n.self.total)} self since start`];
  if (n.deltaInclusive !== null && n.perFrame !== null) {
    parts.push(`+${formatBytes(n.deltaInclusive)} since prev (${formatBytes(n.perFrame)}/frame)`);
  }
  if (n.budget) parts.push(`${formatPercent(n.budget.percent)} of budget`);
  return parts.join(' · ');
}

export function tagTooltip(n: TagNode, frame: number): string {
  const kinds = (k: TagNode['self']) => `frame ${formatBytes(k.frame)}, pool ${formatBytes(k.pool)}, heap ${
      formatBytes(k.heap)} in ${formatCount(k.count)} allocations`;
  const lines = [
    `${n.path === '' ? '(untagged)' : n.path} — frame ${frame}`,
    `allocated since the allocator was created, inclusive: ${formatBytes(n.inclusive.total)} (${
        kinds(n.inclusive)})`,
    `allocated since start, self: ${formatBytes(n.self.total)} (${kinds(n.self)})`,
    n.deltaInclusive === null || n.perFrame === null ?
        'allocated since the previous snapshot: unknown (no previous snapshot, or the program restarted)' :
        `allocated since the previous snapshot: ${formatBytes(n.deltaInclusive)} (${
            formatBytes(n.perFrame)} per frame)`,
  ];
  if (n.budget) {
    lines.push(
        `budget (live bytes): ${formatBytes(n.budget.used)} used, ${formatBytes(n.budget.peak)} peak of ` +
        `${formatBytes(n.budget.limit)} (${formatPercent(n.budget.percent)})`);
  }
  return lines.join('\n');
}

export class TagsTreeProvider implements vscode.TreeDataProvider<TagNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TagNode|undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TagNode[] = [];
  private frame = -1;

  /** Rebuilds the tree for `s` (deltas against `previous`). */
  show(s: Snapshot|undefined, previous?: Snapshot): void {
    this.roots = s ? buildTagTree(s, previous) : [];
    this.frame = s ? s.frame : -1;
    this.changed.fire(undefined);
  }

  get shownFrame(): number|undefined { return this.frame >= 0 ? this.frame : undefined; }

  getChildren(node?: TagNode): TagNode[] { return node ? node.children : this.roots; }

  getTreeItem(n: TagNode): vscode.TreeItem {
    const state = n.children.length === 0 ? vscode.TreeItemCollapsibleState.None :
        n.depth === 0                     ? vscode.TreeItemCollapsibleState.Expanded :
                                            vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.name, state);
    item.id = `tag:${n.path}`;  // stable across frames so expansion state survives updates
    item.description = tagDescription(n);
    item.tooltip = tagTooltip(n, this.frame);
    item.contextValue = TAG_CONTEXT;
    return item;
  }

  dispose(): void { this.changed.dispose(); }
}
