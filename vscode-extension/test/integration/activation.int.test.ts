// The whole extension host, activated as VS Code would (vscode stood in, the real language client and
// fa-lsp): the palette commands reach the server and a snapshot file reaches the status bar.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type * as vscode from 'vscode';

import {activate, deactivate} from '../../src/host/extension';
import {commands, Uri, window, workspace} from '../unit/vscode-mock';

import {problems} from './vscode-host';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through ctest: extension_client_lsp)`);
  return path.resolve(value);
};
const until = async (what: string, ok: () => boolean, ms = 120000) => {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
  }
};

describe('activated extension against fa-lsp', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-activate-'));
  afterAll(async () => {
    await deactivate();
    fs.rmSync(root, {recursive: true, force: true});
  });

  it('runs Request Snapshot and Analyze Workspace on the server and shows a new frame in the status bar',
     async () => {
       fs.mkdirSync(path.join(root, 'snaps'));
       workspace.workspaceFolders = [{uri: Uri.file(root), name: 'ws', index: 0}];
       workspace
           .settings = {'server.path': env('FA_LSP'), compileCommandsDir: env('FA_DB'), snapshotDir: 'snaps'};
       await activate(
           {subscriptions: [], extensionUri: Uri.file('/ext')} as unknown as vscode.ExtensionContext);
       expect(window.showErrorMessage).not.toHaveBeenCalled();

       const requestFile = await commands.registered.get('framealloc.requestSnapshot')!();
       expect(requestFile).toBe(path.join(root, 'snaps', 'snapshot.request'));
       expect(fs.existsSync(requestFile as string)).toBe(true);

       const started =
           await commands.registered.get('framealloc.analyzeWorkspace')!() as {progressToken?: unknown};
       expect(started?.progressToken).toBeDefined();
       // Every TU of the database is analysed: clean.cpp is published with no problems.
       await until('clean.cpp diagnostics', () => [...problems.keys()].some((u) => u.endsWith('/clean.cpp')));
       const clean = [...problems.entries()].find(([u]) => u.endsWith('/clean.cpp'))!;
       expect(clean[1]).toEqual([]);

       const status = window.createStatusBarItem.mock.results[0].value as {text: string};
       expect(status.text).toBe('$(pulse) fa: no frames');
       const snapshot = JSON.parse(fs.readFileSync(env('FA_EXAMPLE'), 'utf8'));
       const name = 'snapshot_0000000000000009.json';
       fs.writeFileSync(path.join(root, 'snaps', `.${name}.tmp`), JSON.stringify({...snapshot, frame: 9}));
       fs.renameSync(path.join(root, 'snaps', `.${name}.tmp`), path.join(root, 'snaps', name));
       await until('the status bar to show the frame', () => status.text !== '$(pulse) fa: no frames', 15000);
       expect(status.text).toBe('$(pulse) fa 14 MiB · 75.0%');
     });
});
