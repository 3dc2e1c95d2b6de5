// The extension's startClient() with the real vscode-languageclient and the real fa-lsp: the FA601
// diagnostics of an open fixture reach the Problems panel with their code page links, and snapshot
// files written to the snapshot directory reach the live feed through framealloc/snapshot.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type * as vscode from 'vscode';

import {startClient} from '../../src/host/client';
import {LiveFeed} from '../../src/host/liveFeed';
import {readSettings} from '../../src/shared/settings';
import {Uri, workspace} from '../unit/vscode-mock';
import {problems} from './vscode-host';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through ctest: extension_client_lsp)`);
  return path.resolve(value);
};
const faLsp = env('FA_LSP'), dbDir = env('FA_DB'), fixture = env('FA_FIXTURE'), example = env('FA_EXAMPLE');
const until = async (what: string, ok: () => boolean, ms = 120000) => {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
  }
};

describe('language client against fa-lsp', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-client-'));
  const feed = new LiveFeed(8);
  const log: string[] = [];
  let client: Awaited<ReturnType<typeof startClient>>;
  afterAll(async () => {
    await client?.stop();
    fs.rmSync(root, {recursive: true, force: true});
  });

  it('starts the configured server and publishes the fixture diagnostics with code page links', async () => {
    const text = fs.readFileSync(fixture, 'utf8');
    const uri = Uri.file(fixture);
    (workspace as unknown as {textDocuments: unknown[]}).textDocuments = [{
      uri,
      fileName: fixture,
      languageId: 'cpp',
      version: 1,
      isClosed: false,
      isDirty: false,
      getText: () => text,
      lineCount: text.split('\n').length,
    }];
    const settings = readSettings(
        (k) =>
            ({'server.path': faLsp, compileCommandsDir: dbDir, snapshotDir: 'snaps', framesKept: 8} as
             Record<string, unknown>)[k],
        root);
    // Created before the server starts: fa-lsp polls for a missing directory every 500 ms and does
    // not read files that were already there when its watch begins.
    fs.mkdirSync(path.join(root, 'snaps'));
    client = await startClient(settings, root, {
      output: {
        appendLine: (l: string) => log.push(l),
        append: (t: string) => log.push(t),
        dispose: () => undefined
      } as unknown as vscode.OutputChannel,
      onSnapshot: (p) => feed.receive(p),
    });
    expect(client).toBeDefined();
    await until('diagnostics', () => (problems.get(uri.toString()) ?? []).length > 0);
    const diags = problems.get(uri.toString())!;
    const expected = text.split('\n').flatMap((l, i) => (/expect: FA601/.test(l) ? [i] : []));
    const fa601 = diags.filter((d) => (d.code as {value: string}).value === 'FA601');
    expect([...new Set(fa601.map((d) => d.range.start.line))].sort((a, b) => a - b)).toEqual(expected);
    expect((fa601[0].code as {target: Uri}).target.fsPath).toMatch(/docs\/codes\/FA601\.md$/);
    expect(fa601[0].source).toBe('fa-check');
  });

  it('delivers snapshot files to the live feed', async () => {
    const base = JSON.parse(fs.readFileSync(example, 'utf8'));
    const dir = path.join(root, 'snaps');
    for (const frame of [40, 41]) {
      const name = `snapshot_${String(frame).padStart(16, '0')}.json`;
      fs.writeFileSync(path.join(dir, `.${name}.tmp`), JSON.stringify({...base, frame}));
      fs.renameSync(path.join(dir, `.${name}.tmp`), path.join(dir, name));
    }
    await until('two frames in the feed', () => feed.frames().length === 2, 15000).catch((e) => {
      throw new Error(`${e.message}; rejected ${feed.rejected}; log:\n${log.join('\n')}`);
    });
    expect(feed.frames().map((s) => s.frame)).toEqual([40, 41]);
    expect(feed.latest()?.summary.total_bytes).toBe(base.summary.total_bytes);
    expect(feed.rejected).toBe(0);
  });
});
