// Reads a snapshot directory for the report: every snapshot_*.json is parsed and validated against
// docs/schemas/snapshot-v1.schema.json; invalid files are skipped with a reason, never half-used.
import addFormats from 'ajv-formats';
import Ajv2020 from 'ajv/dist/2020';
import fs from 'node:fs';
import path from 'node:path';

import type {Snapshot} from '../shared/protocol';

/** A failure the user can fix (bad arguments, missing directory, no usable snapshot): exit code 2. */
export class ReportError extends Error {}

export interface Skipped {
  file: string;
  reason: string
}
export interface LoadResult {
  frames: Snapshot[];
  skipped: Skipped[];
  files: number
}

export const SNAPSHOT_FILE = /^snapshot_.*\.json$/;

/** Reasons go on one stderr line each. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

export type SnapshotValidator = (data: unknown) => string|null;

/** A validator for the snapshot schema: returns null when valid, else the first reasons. */
export function schemaValidator(schemaPath: string): SnapshotValidator {
  let schema: unknown;
  try {
    schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  } catch (e) {
    throw new ReportError(`cannot read the snapshot schema ${schemaPath}: ${(e as Error).message}`);
  }
  const ajv = new Ajv2020({allErrors: false, strict: false});
  addFormats(ajv);
  const validate = ajv.compile(schema as object);
  return (data) => (validate(data) ? null : ajv.errorsText(validate.errors, {dataVar: 'snapshot'}));
}

/**
 * Loads the valid snapshots of `dir`, sorted by frame, keeping the newest `maxFrames` when given.
 * Throws ReportError when the directory is missing or holds no valid snapshot.
 */
export function loadSnapshots(dir: string, validate: SnapshotValidator, maxFrames?: number): LoadResult {
  let names: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new ReportError(`${dir} is not a directory`);
    names = fs.readdirSync(dir).filter((n) => SNAPSHOT_FILE.test(n)).sort();
  } catch (e) {
    if (e instanceof ReportError) throw e;
    throw new ReportError(`cannot read the snapshot directory ${dir}: ${(e as Error).message}`);
  }
  const frames: Snapshot[] = [];
  const skipped: Skipped[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      skipped.push({file, reason: `not JSON: ${oneLine((e as Error).message)}`});
      continue;
    }
    const problem = validate(data);
    if (problem)
      skipped.push({file, reason: `does not match snapshot-v1: ${problem}`});
    else
      frames.push(data as Snapshot);
  }
  if (frames.length === 0) {
    const why = names.length === 0 ? 'no snapshot_*.json files' :
                                     `none of its ${names.length} snapshot files is valid`;
    throw new ReportError(`no valid snapshot in ${dir} (${why})`);
  }
  frames.sort((a, b) => a.frame - b.frame);
  const kept = maxFrames !== undefined ? frames.slice(Math.max(frames.length - maxFrames, 0)) : frames;
  return {frames: kept, skipped, files: names.length};
}
