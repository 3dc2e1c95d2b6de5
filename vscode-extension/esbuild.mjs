// Bundles the three programs of the extension so the .vsix needs no node_modules:
//   src/host/extension.ts  -> dist/extension.js  (VS Code extension host: cjs, 'vscode' external)
//   src/webview/main.ts    -> dist/webview.js    (Memory Inspector page script: browser iife)
//   src/report/fa-report.ts -> dist/fa-report.js (standalone report generator: node cjs)
// and copies uPlot's stylesheet next to them (the webview may only load files from dist/ and media/)
// and the FA code pages (docs/codes) into dist/codes.
// usage: node esbuild.mjs [--production] [--only host|webview|report] [--outdir DIR]   (default DIR: dist)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const production = args.includes('--production');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const outIndex = args.indexOf('--outdir');
const outdir = path.resolve(root, outIndex >= 0 ? args[outIndex + 1] : 'dist');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root
};
const targets = {
  host: {
    entryPoints: ['src/host/extension.ts'],
    outfile: path.join(outdir, 'extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode']
  },
  webview: {
    entryPoints: ['src/webview/main.ts'],
    outfile: path.join(outdir, 'webview.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2020'
  },
  report: {
    entryPoints: ['src/report/fa-report.ts'],
    outfile: path.join(outdir, 'fa-report.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node18'
  },
};

if (only && !targets[only]) {
  console.error(`esbuild.mjs: unknown --only '${only}' (expected ${Object.keys(targets).join(', ')})`);
  process.exit(2);
}

let failed = false;
for (const [name, options] of Object.entries(targets)) {
  if (only && name !== only) continue;
  const entry = path.join(root, options.entryPoints[0]);
  if (!fs.existsSync(entry)) {
    failed = true;
    console.error(`esbuild.mjs: ${name}: ${options.entryPoints[0]} does not exist`);
    continue;
  }
  try {
    await esbuild.build({...common, ...options});
    console.log(`built ${path.relative(root, options.outfile)}`);
  } catch (e) {
    failed = true;
    console.error(`esbuild.mjs: ${name} failed: ${e.message}`);
  }
}

fs.mkdirSync(outdir, {recursive: true});
fs.copyFileSync(path.join(root, 'node_modules/uplot/dist/uPlot.min.css'), path.join(outdir, 'uPlot.min.css'));
// The FA code pages ("framealloc: Explain an FA Code" outside this repository's workspace).
const codes = path.join(root, '..', 'docs', 'codes');
if (fs.existsSync(codes)) fs.cpSync(codes, path.join(outdir, 'codes'), {recursive: true});
process.exit(failed ? 1 : 0);
