import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {beforeEach, describe, expect, it, vi} from 'vitest';
import type * as vscode from 'vscode';

import {asFrame, example} from './examples';
import {commands, FakeWebview, resetMock, Uri, window, workspace} from './vscode-mock';

// A language client stand-in: activation must not need a real fa-lsp.
const clients: {notify: Map<string, (p: unknown) => void>; stopped: boolean}[] = [];
vi.mock(
    '../../src/host/client',
    () => ({
      OPEN_SETTINGS: 'Open Settings',
      startClient: vi.fn(async (_s: unknown, _root: unknown, hooks: {onSnapshot(p: unknown): void}) => {
        const c = {notify: new Map([['framealloc/snapshot', hooks.onSnapshot]]), stopped: false};
        clients.push(c);
        return {
          stop: async () => {
            c.stopped = true;
          },
          sendRequest: vi.fn(async () => ({}))
        };
      }),
      fetchHistory: vi.fn(async () => []),
    }));

const {activate, deactivate} = await import('../../src/host/extension');
const manifest = JSON.parse(fs.readFileSync(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8'));

async function activated() {
  const context = {subscriptions: [] as {dispose(): unknown}[], extensionUri: Uri.file('/ext')};
  await activate(context as unknown as vscode.ExtensionContext);
  return context;
}

describe('activation', () => {
  beforeEach(() => {
    resetMock();
    clients.length = 0;
  });

  it('registers exactly the commands package.json contributes', async () => {
    await activated();
    const contributed = manifest.contributes.commands.map((c: {command: string}) => c.command).sort();
    expect([...commands.registered.keys()].sort()).toEqual(contributed);
    expect(window.registerWebviewViewProvider.mock.calls[0][0]).toBe('framealloc.inspector');
    expect(window.createTreeView.mock.calls[0][0]).toBe('framealloc.tags');
    const views = manifest.contributes.views.framealloc.map((v: {id: string}) => v.id);
    expect(views).toEqual(['framealloc.tags', 'framealloc.inspector']);
    await deactivate();
  });

  it('feeds snapshots from the client to the status bar, and pause/resume toggles the context key',
     async () => {
       await activated();
       const status = window.createStatusBarItem.mock.results[0].value as {text: string};
       expect(status.text).toBe('$(pulse) fa: no frames');
       clients[0].notify.get('framealloc/snapshot')!({snapshot: asFrame(example('game_three_threads'), 7)});
       expect(status.text).toBe('$(pulse) fa 14 MiB · 75.0%');
       await commands.registered.get('framealloc.pauseLiveView')!();
       expect(commands.executeCommand).toHaveBeenCalledWith('setContext', 'framealloc.liveViewPaused', true);
       clients[0].notify.get('framealloc/snapshot')!({snapshot: asFrame(example('empty_allocator'), 8)});
       expect(status.text).toBe('$(debug-pause) fa 14 MiB · 75.0%');  // frozen while paused
       await commands.registered.get('framealloc.resumeLiveView')!();
       expect(commands.executeCommand).toHaveBeenCalledWith('setContext', 'framealloc.liveViewPaused', false);
       expect(status.text).not.toContain('14 MiB');  // frame 8 shown after resume
       await deactivate();
     });

  it('reports a bad setting by name and starts no server', async () => {
    workspace.settings = {framesKept: 'many'};
    await activated();
    expect(clients).toHaveLength(0);
    expect(window.showErrorMessage.mock.calls[0][0])
        .toMatch(/^framealloc\.framesKept: expected an integer from 1 to 100000, got "many"$/);
  });

  it('applies a new framesKept to the feed and the pages and restarts the server', async () => {
    await activated();
    for (let f = 1; f <= 5; ++f) {
      clients[0].notify.get('framealloc/snapshot')!({snapshot: asFrame(example('game_three_threads'), f)});
    }
    // The sidebar inspector page, as VS Code would resolve it.
    const page = new FakeWebview();
    const provider = window.registerWebviewViewProvider.mock.calls[0][1] as vscode.WebviewViewProvider;
    provider.resolveWebviewView(
        {webview: page, onDidDispose: () => ({dispose() {}})} as never, {} as never, {} as never);
    const onChange = workspace.onDidChangeConfiguration.mock.calls[0][0] as (e: unknown) => Promise<void>;
    workspace.settings = {framesKept: 2};
    await onChange(
        {affectsConfiguration: (s: string) => s === 'framealloc' || s === 'framealloc.framesKept'});
    const history =
        page.posted.find((m) => (m as {type: string}).type === 'history') as {frames: {frame: number}[]};
    expect(history.frames.map((f) => f.frame)).toEqual([4, 5]);
    expect(page.posted).toContainEqual({type: 'config', framesKept: 2});
    expect(clients).toHaveLength(2);
    expect(clients[0].stopped).toBe(true);
    const status = window.createStatusBarItem.mock.results[0].value as {text: string};
    expect(status.text).toBe('$(pulse) fa 14 MiB · 75.0%');  // the restart kept the frames shown
    await onChange({affectsConfiguration: () => false});     // another extension's setting: nothing happens
    expect(clients).toHaveLength(2);
    await onChange(
        {affectsConfiguration: (s: string) => s === 'framealloc' || s === 'framealloc.trace.server'});
    expect(clients).toHaveLength(2);  // the trace level is applied by the client itself
    await deactivate();
  });

  it('restarts the server on request', async () => {
    await activated();
    await commands.registered.get('framealloc.restartServer')!();
    expect(clients).toHaveLength(2);
    expect(clients[0].stopped).toBe(true);
    await deactivate();
  });
});
