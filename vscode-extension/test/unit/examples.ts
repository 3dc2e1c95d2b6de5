// The snapshot schema's example files (docs/schemas/examples), the data every host test runs on.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Snapshot} from '../../src/shared/protocol';

export const examplesDir =
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/schemas/examples');

export function example(name: 'game_three_threads'|'empty_allocator'): Snapshot {
  return JSON.parse(fs.readFileSync(path.join(examplesDir, `${name}.json`), 'utf8')) as Snapshot;
}

/** A copy of `s` as frame `frame`, with `change` applied. */
export function asFrame(s: Snapshot, frame: number, change?: (c: Snapshot) => void): Snapshot {
  const copy = structuredClone(s);
  copy.frame = frame;
  change?.(copy);
  return copy;
}
