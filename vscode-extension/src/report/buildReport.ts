// Assembles the self-contained report page: the inspector script and stylesheets inlined under a
// fresh nonce, the frames embedded as JSON in #fa-data.
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {inspectorHtml} from '../shared/inspectorHtml';

import type {Snapshot} from '../shared/protocol';
import {ReportError} from './loadSnapshots';

export interface ReportAssets {
  script: string;
  styles: string[]
}

/** dist/webview.js, dist/uPlot.min.css and media/inspector.css as built next to dist/fa-report.js. */
export function readAssets(distDir: string): ReportAssets {
  const files = {
    script: path.join(distDir, 'webview.js'),
    uplot: path.join(distDir, 'uPlot.min.css'),
    inspector: path.join(distDir, '..', 'media', 'inspector.css'),
  };
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      throw new ReportError(`missing ${file}: build the extension first (npm run build in vscode-extension)`);
    }
  };
  return {script: read(files.script), styles: [read(files.uplot), read(files.inspector)]};
}

export function buildReport(frames: Snapshot[], assets: ReportAssets, title?: string): string {
  return inspectorHtml({
    nonce: randomBytes(18).toString('base64'),
    // A file:// page has no origin to allow; everything it needs is inline under the nonce.
    cspSource: '\'self\'',
    scriptUri: '',
    styleUris: [],
    inlineScript: assets.script,
    inlineStyles: assets.styles,
    embeddedData: JSON.stringify({frames}),
    title: title ?? `framealloc report · frames ${frames[0].frame}–${frames[frames.length - 1].frame}`,
  });
}

/** Writes through a temporary file so an interrupted run never leaves half a report behind. */
export function writeReport(file: string, html: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, {force: true});
    throw new ReportError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
