// Snapshots for the inspector's unit tests: the schema's example files plus a small builder for
// hand-made frames (every field the schema requires, zero unless given).
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {Snapshot, SnapshotTag} from '../../src/shared/protocol';

const examples = fileURLToPath(new URL('../../../docs/schemas/examples/', import.meta.url));

export function example(name: 'empty_allocator'|'game_three_threads'): Snapshot {
  return JSON.parse(readFileSync(examples + name + '.json', 'utf8')) as Snapshot;
}

export function tag(path: string, frame: number, pool = 0, heap = 0): SnapshotTag {
  return {
    path,
    frame: {bytes: frame, count: frame > 0 ? 1 : 0},
    pool: {bytes: pool, count: pool > 0 ? 1 : 0},
    heap: {bytes: heap, count: heap > 0 ? 1 : 0},
  };
}

export function snapshot(frame: number, patch: Partial<Snapshot> = {}): Snapshot {
  const base = example('empty_allocator');
  return {...base, frame, ...patch};
}
