// Frames for the browser tests: the schema's richest example as the newest frame (18421), preceded by
// 20 frames as the runtime would have written them. Tag, site and allocation counters are cumulative
// since the allocator was created, so each older frame holds the newer one's figures minus what was
// allocated in the newer frame; live figures (summary bytes, thread frame use) are scaled instead.
// What a frame allocates is 1/128 of the example's figure times the frame's factor: 18410 is a 3x
// spike, 18420 allocates half. Frame 18421 allocates exactly 1/128 (render: 80 KiB, ai: 14.75 KiB).
import fs from 'node:fs';
import path from 'node:path';

export function exampleFrame(repoRoot) {
  return JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'docs/schemas/examples/game_three_threads.json'), 'utf8'));
}

/** How much frame `f` allocates (and how full it is) relative to the newest frame. */
export function factorOf(f) {
  return f === 18421 ? 1 : f === 18420 ? 0.5 : f === 18410 ? 3 : 0.9 + ((f * 7) % 5) / 50;
}

/** Bytes per frame at factor 1: the example's cumulative figure / 128 (exact for its power-of-2 sizes). */
export const perFrame = (cumulative) => cumulative / 128;

/** The frame before `newer`: cumulative counters minus what `newer` allocated, live figures rescaled. */
function previousOf(newer, base) {
  const s = structuredClone(newer);
  const f = newer.frame - 1;
  const grown = newer.frame;  // the frame whose allocations are taken off
  const alloc = (n) => Math.round(perFrame(n) * factorOf(grown));
  s.frame = f;
  base.tags.forEach((t, i) => {
    for (const kind of ['frame', 'pool', 'heap']) {
      s.tags[i][kind].bytes -= alloc(t[kind].bytes);
      s.tags[i][kind].count -= Math.floor(perFrame(t[kind].count) * factorOf(grown));
    }
  });
  base.sites.forEach((site, i) => {
    s.sites[i].bytes -= alloc(site.bytes);
    s.sites[i].count -= Math.floor(perFrame(site.count) * factorOf(grown));
  });
  s.summary.allocations -= Math.round(500 * factorOf(grown));
  s.summary.frees -= Math.round(500 * factorOf(grown));
  const k = (n) => Math.round(n * factorOf(f));
  for (const key of ['frame_bytes', 'pool_bytes', 'heap_bytes', 'total_bytes'])
    s.summary[key] = k(base.summary[key]);
  base.threads.forEach((t, i) => (s.threads[i].frame_used_bytes = k(t.frame_used_bytes)));
  s.deferred.queue_depth = 100;
  return s;
}

/** 21 frames, 18401..18421, oldest first. */
export function historyFrames(repoRoot) {
  const base = exampleFrame(repoRoot);
  const frames = [base];
  while (frames[0].frame > 18401) frames.unshift(previousOf(frames[0], base));
  return frames;
}
