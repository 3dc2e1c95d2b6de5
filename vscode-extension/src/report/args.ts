// Command line of fa-report (node:util parseArgs).
import path from 'node:path';
import {parseArgs} from 'node:util';

import {ReportError} from './loadSnapshots';

export interface ReportArgs {
  dir: string;
  output: string;
  frames?: number;
  schema?: string;
  title?: string
}

export const USAGE =
    'usage: fa-report <snapshot-dir> [-o report.html] [--frames N] [--schema PATH] [--title TEXT]';

export function parseReportArgs(argv: string[]): ReportArgs|'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: {type: 'string', short: 'o'},
        frames: {type: 'string'},
        schema: {type: 'string'},
        title: {type: 'string'},
        help: {type: 'boolean', short: 'h'},
      },
    });
  } catch (e) {
    throw new ReportError(`${(e as Error).message}\n${USAGE}`);
  }
  const {values, positionals} = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new ReportError(`expected one snapshot directory\n${USAGE}`);
  let frames: number|undefined;
  if (values.frames !== undefined) {
    frames = Number(values.frames);
    if (!/^\d+$/.test(values.frames) || frames < 1) {
      throw new ReportError(`--frames must be a positive integer, got '${values.frames}'`);
    }
  }
  const dir = positionals[0];
  return {
    dir,
    output: values.output ?? path.join(dir, 'report.html'),
    frames,
    schema: values.schema,
    title: values.title
  };
}
