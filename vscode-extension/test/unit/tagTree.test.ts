import {describe, expect, it} from 'vitest';

import {buildTagTree, flattenTree, indexTree, restartedBetween, UNTAGGED_NAME} from '../../src/shared/tagTree';

import {example, snapshot, tag} from './inspectorFixtures';

describe('buildTagTree on the schema example', () => {
  const roots = buildTagTree(example('game_three_threads'));
  const index = indexTree(roots);

  it('synthesizes the missing parent "render" with zero self bytes', () => {
    const render = index.get('render')!;
    expect(render).toBeDefined();
    expect(render.self.total).toBe(0);
    expect(render.inclusive.total).toBe(2097152 + 8388608);
    expect(render.children.map((c) => c.path)).toEqual(['render::draw_lists']);
  });

  it('sums exclusive figures into inclusive ones per kind', () => {
    const ai = index.get('ai')!;
    expect(ai.self).toEqual({frame: 1048576, pool: 65536, heap: 0, total: 1114112, count: 2560});
    expect(ai.inclusive).toEqual({
      frame: 1048576 + 786432,
      pool: 65536 + 32768,
      heap: 0,
      total: 1114112 + 819200,
      count: 2560 + 1280
    });
  });

  it('orders roots and children by inclusive total, largest first', () => {
    expect(roots.map((r) => r.path)).toEqual(['render', 'ai']);
  });

  it('names and depths follow the path', () => {
    const leaf = index.get('ai::pathfinding')!;
    expect(leaf.name).toBe('pathfinding');
    expect(leaf.depth).toBe(1);
    expect(index.get('ai')!.depth).toBe(0);
  });

  it('attaches tag budgets with their percentage', () => {
    expect(index.get('ai::pathfinding')!.budget)
        .toEqual({limit: 1048576, used: 786432, peak: 1000000, percent: 75});
    expect(index.get('ai')!.budget).toBeNull();
  });

  it('has no deltas without a previous frame', () => {
    expect(flattenTree(roots).every((n) => n.deltaInclusive === null && n.perFrame === null)).toBe(true);
  });
});

describe('buildTagTree on hand-built frames', () => {
  it('returns no roots for an empty allocator', () => {
    expect(buildTagTree(example('empty_allocator'))).toEqual([]);
  });

  it('shows the untagged bucket as its own root', () => {
    const roots = buildTagTree(snapshot(1, {tags: [tag('', 100), tag('a', 50)]}));
    expect(roots.map((r) => [r.path, r.name, r.inclusive.total])).toEqual([
      ['', UNTAGGED_NAME, 100], ['a', 'a', 50]
    ]);
  });

  it('synthesizes every missing level of a deep path', () => {
    const roots = buildTagTree(snapshot(1, {tags: [tag('a::b::c', 10, 20, 30)]}));
    const flat = flattenTree(roots);
    expect(flat.map((n) => [n.path, n.depth, n.self.total, n.inclusive.total])).toEqual([
      ['a', 0, 0, 60],
      ['a::b', 1, 0, 60],
      ['a::b::c', 2, 60, 60],
    ]);
  });

  it('derives what was allocated since the previous snapshot and per frame from cumulative figures', () => {
    // Frames 10 apart, cumulative "a" inclusive 1000 → 6000: 5000 allocated between, 500 per frame.
    const before = snapshot(10, {tags: [tag('a', 600), tag('a::b', 400)]});
    const after = snapshot(20, {tags: [tag('a', 3600), tag('a::b', 2400), tag('c', 50)]});
    const index = indexTree(buildTagTree(after, before));
    expect(index.get('a')!.deltaInclusive).toBe(5000);
    expect(index.get('a')!.perFrame).toBe(500);
    expect(index.get('a::b')!.deltaInclusive).toBe(2000);
    expect(index.get('a::b')!.perFrame).toBe(200);
    // A path first seen now had allocated nothing before: all of it is new.
    expect(index.get('c')!.deltaInclusive).toBe(50);
    expect(index.get('c')!.perFrame).toBe(5);
  });

  it('has no per-frame figures across a restart (frame or counter went back)', () => {
    const before = snapshot(10, {tags: [tag('a', 600)]});
    for (const after of [snapshot(4, {tags: [tag('a', 900)]}), snapshot(12, {tags: [tag('a', 100)]})]) {
      const a = indexTree(buildTagTree(after, before)).get('a')!;
      expect(a.deltaInclusive).toBeNull();
      expect(a.perFrame).toBeNull();
    }
    expect(restartedBetween(before, snapshot(12, {tags: [tag('a', 600)]}))).toBe(false);
  });

  it('takes the budget percentage from the live used figure, not the cumulative bytes', () => {
    const s = snapshot(1, {
      tags: [tag('a', 50000)],
      budgets: {tags: [{tag: 'a', limit: 1000, used: 250, peak: 400}], threads: []}
    });
    const a = indexTree(buildTagTree(s)).get('a')!;
    expect(a.inclusive.total).toBe(50000);
    expect(a.budget).toEqual({limit: 1000, used: 250, peak: 400, percent: 25});
  });

  it('creates a node for a budgeted tag that allocated nothing', () => {
    const s = snapshot(1, {budgets: {tags: [{tag: 'audio', limit: 1000, used: 0, peak: 0}], threads: []}});
    const audio = indexTree(buildTagTree(s)).get('audio')!;
    expect(audio.inclusive.total).toBe(0);
    expect(audio.budget?.percent).toBe(0);
  });
});
