// fa-report: turns a snapshot directory into one self-contained HTML Memory Inspector page, for CI
// artefacts or a browser without VS Code. Exit codes: 0 written, 2 usage or input error, 1 bug.
import fs from 'node:fs';
import path from 'node:path';

import {parseReportArgs, USAGE} from './args';
import {buildReport, readAssets, writeReport} from './buildReport';
import {loadSnapshots, ReportError, schemaValidator} from './loadSnapshots';

/** The schema ships with the repository: vscode-extension/dist/ → docs/schemas/. */
function defaultSchema(distDir: string): string {
  const candidate = path.resolve(distDir, '..', '..', 'docs', 'schemas', 'snapshot-v1.schema.json');
  if (!fs.existsSync(candidate)) {
    throw new ReportError(`cannot find the snapshot schema at ${candidate}; pass --schema PATH`);
  }
  return candidate;
}

export function main(argv: string[], distDir: string): number {
  try {
    const args = parseReportArgs(argv);
    if (args === 'help') {
      console.log(USAGE);
      return 0;
    }
    const validate = schemaValidator(args.schema ?? defaultSchema(distDir));
    const assets = readAssets(distDir);
    const {frames, skipped, files} = loadSnapshots(args.dir, validate, args.frames);
    for (const s of skipped) console.error(`fa-report: skipped ${s.file}: ${s.reason}`);
    writeReport(args.output, buildReport(frames, assets, args.title));
    console.log(
        `fa-report: wrote ${args.output} (${frames.length} frames shown, ${files} files read, ` +
        `${skipped.length} skipped)`);
    return 0;
  } catch (e) {
    if (e instanceof ReportError) {
      console.error(`fa-report: ${e.message}`);
      return 2;
    }
    console.error('fa-report: internal error:', e);
    return 1;
  }
}

// Run directly (node dist/fa-report.js); bin/fa-report calls main() itself.
if (require.main === module) process.exitCode = main(process.argv.slice(2), __dirname);
