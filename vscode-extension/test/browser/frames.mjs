// Frames for the browser tests: the schema's richest example as the newest frame, preceded by 20
// frames with the same shape and scaled figures (frame 18420 at half, 18410 a 3x spike).
import fs from 'node:fs';
import path from 'node:path';

export function exampleFrame(repoRoot) {
  return JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'docs/schemas/examples/game_three_threads.json'), 'utf8'));
}

function scaled(base, frame, factor) {
  const s = structuredClone(base);
  const k = (n) => Math.round(n * factor);
  s.frame = frame;
  for (const key of ['frame_bytes', 'pool_bytes', 'heap_bytes', 'total_bytes'])
    s.summary[key] = k(s.summary[key]);
  for (const t of s.tags)
    for (const kind of ['frame', 'pool', 'heap']) t[kind].bytes = k(t[kind].bytes);
  for (const site of s.sites) site.bytes = k(site.bytes);
  for (const t of s.threads) t.frame_used_bytes = k(t.frame_used_bytes);
  s.deferred.queue_depth = 100;
  return s;
}

/** 21 frames, 18401..18421, oldest first. */
export function historyFrames(repoRoot) {
  const base = exampleFrame(repoRoot);
  const frames = [];
  for (let f = 18401; f <= 18420; f++) {
    const factor = f === 18420 ? 0.5 : f === 18410 ? 3 : 0.9 + ((f * 7) % 5) / 50;
    frames.push(scaled(base, f, factor));
  }
  frames.push(base);
  return frames;
}
