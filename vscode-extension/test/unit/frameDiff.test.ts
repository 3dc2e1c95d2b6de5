import {describe, expect, it} from 'vitest';

import {diffFrames} from '../../src/shared/frameDiff';

import {example, snapshot, tag} from './inspectorFixtures';

describe('diffFrames between the two schema examples', () => {
  const d = diffFrames(example('empty_allocator'), example('game_three_threads'));

  it('subtracts summaries', () => {
    expect(d.from).toBe(0);
    expect(d.to).toBe(18421);
    expect(d.summary.total_bytes).toEqual({a: 0, b: 14680064, delta: 14680064});
    expect(d.summary.duration_us.delta).toBe(16480);
  });

  it('compares inclusive tag totals, largest change first, synthesized parents included', () => {
    expect(d.tags[0]).toEqual({path: 'render', a: 0, b: 10485760, delta: 10485760});
    expect(d.tags.map((t) => t.path)).toEqual(['render', 'render::draw_lists', 'ai', 'ai::pathfinding']);
    expect(d.tags.find((t) => t.path === 'ai')!.delta).toBe(1114112 + 819200);
  });

  it('compares threads by index', () => {
    expect(d.threads.map((t) => t.index)).toEqual([1, 2, 3]);
    const main = d.threads[0];
    expect(main.name).toBe('main');
    expect(main.b).toBe(1048576 + 8388608);
    expect(main.fields.remote_frees).toEqual({a: 0, b: 12, delta: 12});
  });

  it('keys sites by file:line:kind', () => {
    expect(d.sites[0].key).toBe('src/render/draw_list.cpp:57:heap');
    expect(d.sites[0].delta).toBe(8388608);
  });
});

describe('diffFrames on hand-built frames', () => {
  const site = (file: string, line: number, bytes: number, tagPath = '') =>
      ({file, line, function: 'f', tag: tagPath, kind: 'frame' as const, count: 1, bytes});

  it('reports removed tags, threads and sites as negative deltas', () => {
    const a = snapshot(1, {
      tags: [tag('gone', 100)],
      threads: [{...example('game_three_threads').threads[1]}],
      sites: [site('x.cpp', 1, 64)],
    });
    const b = snapshot(2);
    const d = diffFrames(a, b);
    expect(d.tags).toEqual([{path: 'gone', a: 100, b: 0, delta: -100}]);
    expect(d.threads[0].delta).toBe(-(2097152 + 786432));
    expect(d.sites[0]).toMatchObject({key: 'x.cpp:1:frame', a: 64, b: 0, delta: -64});
  });

  it('adds up one line reported under two tags', () => {
    const b = snapshot(2, {sites: [site('y.cpp', 3, 10, 'a'), site('y.cpp', 3, 30, 'b')]});
    const d = diffFrames(snapshot(1), b);
    expect(d.sites).toHaveLength(1);
    expect(d.sites[0].b).toBe(40);
  });

  it('is all zeros for a frame against itself', () => {
    const s = example('game_three_threads');
    const d = diffFrames(s, s);
    expect([...Object.values(d.summary), ...d.tags, ...d.threads, ...d.sites].every((x) => x.delta === 0))
        .toBe(true);
  });
});
