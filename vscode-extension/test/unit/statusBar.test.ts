import {beforeEach, describe, expect, it} from 'vitest';

import {budgetColour, FrameStatusBar, statusView, worstBudget} from '../../src/host/statusBar';

import type {Snapshot} from '../../src/shared/protocol';
import {ThemeColor, resetMock} from './vscode-mock';
import {asFrame, example} from './examples';

const withTagUse = (used: number): Snapshot => asFrame(example('game_three_threads'), 1, (s) => {
  s.budgets.tags[0].used = used;
});

describe('status bar', () => {
  beforeEach(resetMock);

  it('shows the frame\'s total and the worst budget', () => {
    const s = example('game_three_threads');
    expect(worstBudget(s)).toEqual({label: 'tag ai::pathfinding', percent: 75, used: 786432, limit: 1048576});
    const view = statusView(s, false, false);
    expect(view.text).toBe('$(pulse) fa 14 MiB · 75.0%');
    expect(view.background).toBeUndefined();
    expect(view.tooltip).toContain('framealloc frame 18421');
    expect(view.tooltip).toContain('worst budget: tag ai::pathfinding 768 KiB of 1 MiB (75.0%)');
  });

  it('names threads by index and name and counts the global budget', () => {
    const s = asFrame(example('game_three_threads'), 2, (c) => {
      c.budgets.threads[0].used = 8388608;  // thread 2 (physics) at 100%
      c.budgets.global = {limit: 100, used: 50, peak: 60};
    });
    expect(worstBudget(s)?.label).toBe('thread 2 (physics)');
    expect(worstBudget(s)?.percent).toBe(100);
  });

  it.each([
    [943718, undefined],                          // 89.99%
    [943719, 'statusBarItem.warningBackground'],  // 90%
    [1048575, 'statusBarItem.warningBackground'],
    [1048576, 'statusBarItem.errorBackground'],  // 100%
    [2097152, 'statusBarItem.errorBackground'],
  ])('colours %d of 1 MiB as %s', (used, colour) => {
    expect(statusView(withTagUse(used), false, false).background).toBe(colour);
  });

  it('has no budget part without budgets, and says when nothing arrived or the view is paused', () => {
    const empty = example('empty_allocator');
    expect(worstBudget(empty)).toBeNull();
    expect(statusView(empty, false, false).text).toMatch(/^\$\(pulse\) fa \d/);
    expect(statusView(empty, false, false).text).not.toContain('%');
    expect(statusView(undefined, false, false).text).toBe('$(pulse) fa: no frames');
    expect(statusView(example('game_three_threads'), true, true).text).toMatch(/^\$\(debug-pause\)/);
    expect(statusView(example('game_three_threads'), true, true).tooltip)
        .toContain('(selected) — live view paused');
    expect(budgetColour(undefined)).toBeUndefined();
  });

  it('applies text and colour to the VS Code item', () => {
    const bar = new FrameStatusBar();
    expect(bar.item.text).toBe('$(pulse) fa: no frames');
    expect(bar.item.command).toBe('framealloc.openInspector');
    bar.update(withTagUse(2097152), false, false);
    expect(bar.item.backgroundColor).toEqual(new ThemeColor('statusBarItem.errorBackground'));
    bar.update(withTagUse(0), false, false);
    expect(bar.item.backgroundColor).toBeUndefined();
  });
});
