import {describe, expect, it} from 'vitest';

import {TAG_CONTEXT, tagDescription, TagsTreeProvider} from '../../src/host/tagsTree';

import {asFrame, example} from './examples';
import {TreeItemCollapsibleState} from './vscode-mock';

describe('Tags tree view over buildTagTree', () => {
  it('shows the roots by inclusive bytes, with synthesized parents', () => {
    const tree = new TagsTreeProvider();
    tree.show(example('game_three_threads'));
    const roots = tree.getChildren();
    expect(roots.map((n) => n.path)).toEqual(['render', 'ai']);
    const render = tree.getTreeItem(roots[0]);
    expect(render.label).toBe('render');
    // "render" exists only as the parent of render::draw_lists: zero self bytes, 10 MiB inclusive.
    expect(render.description).toBe('10 MiB / 0 B self since start');
    expect(render.collapsibleState).toBe(TreeItemCollapsibleState.Expanded);
    expect(render.contextValue).toBe(TAG_CONTEXT);
    expect(render.id).toBe('tag:render');
  });

  it('labels children with their last segment and shows the budget percentage', () => {
    const tree = new TagsTreeProvider();
    tree.show(example('game_three_threads'));
    const ai = tree.getChildren()[1];
    const [pathfinding] = tree.getChildren(ai);
    const item = tree.getTreeItem(pathfinding);
    expect(item.label).toBe('pathfinding');
    // 768 KiB frame + 32 KiB pool; budget 786432 used of 1048576 = 75%.
    expect(item.description).toBe('800 KiB / 800 KiB self since start · 75.0% of budget');
    expect(item.collapsibleState).toBe(TreeItemCollapsibleState.None);
    expect(item.tooltip).toContain('ai::pathfinding — frame 18421');
    expect(item.tooltip).toContain('budget (live bytes): 768 KiB used, 976.6 KiB peak of 1 MiB (75.0%)');
    expect(item.tooltip).toContain('allocated since the allocator was created, inclusive: 800 KiB');
    expect(item.tooltip).toContain('allocated since the previous snapshot: unknown');
    expect(tree.getTreeItem(ai).description).toBe('1.8 MiB / 1.1 MiB self since start');
  });

  it('shows what was allocated since the previous snapshot and per frame', () => {
    const before = example('game_three_threads');
    // Two frames later the cumulative counter of ai::pathfinding grew by 2 KiB: 1 KiB per frame.
    const after = asFrame(before, before.frame + 2, (s) => {
      s.tags[1].frame.bytes += 2048;
    });
    const tree = new TagsTreeProvider();
    tree.show(after, before);
    const pathfinding = tree.getChildren(tree.getChildren()[1])[0];
    expect(tagDescription(pathfinding))
        .toBe('802 KiB / 802 KiB self since start · +2 KiB since prev (1 KiB/frame) · 75.0% of budget');
    expect(tree.getTreeItem(pathfinding).tooltip)
        .toContain('allocated since the previous snapshot: 2 KiB (1 KiB per frame)');
    expect(tree.getTreeItem(tree.getChildren()[0]).description)
        .toBe('10 MiB / 0 B self since start · +0 B since prev (0 B/frame)');
  });

  it('is empty without a snapshot and notifies the view on every change', () => {
    const tree = new TagsTreeProvider();
    let fired = 0;
    tree.onDidChangeTreeData(() => ++fired);
    expect(tree.getChildren()).toEqual([]);
    tree.show(example('empty_allocator'));
    expect(tree.shownFrame).toBe(example('empty_allocator').frame);
    tree.show(undefined);
    expect(tree.getChildren()).toEqual([]);
    expect(tree.shownFrame).toBeUndefined();
    expect(fired).toBe(2);
  });
});
