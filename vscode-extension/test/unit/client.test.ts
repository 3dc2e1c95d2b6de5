import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeEach, describe, expect, it, vi} from 'vitest';
import type * as vscode from 'vscode';
import {commands, resetMock, window} from './vscode-mock';

// The real vscode-languageclient needs a running VS Code; this stand-in records what the host passes.
const created: {
  id: string; server: {command: string}; options: {initializationOptions: unknown}; started: boolean;
  notifications: Map<string, (p: unknown) => void>;
  feature: {register(d: unknown): void}
}[] = [];
vi.mock('vscode-languageclient/node', () => ({
                                        TransportKind: {stdio: 0},
                                        LanguageClient: class {
                                          record: (typeof created)[number];
                                          constructor(
                                              id: string, _name: string, server: {command: string},
                                              options: {initializationOptions: unknown}) {
                                            this.record = {
                                              id,
                                              server,
                                              options,
                                              started: false,
                                              notifications: new Map(),
                                              feature: {
                                                register: () => {
                                                  throw new Error('duplicate command');
                                                }
                                              }
                                            };
                                            created.push(this.record);
                                          }
                                          getFeature() { return this.record.feature; }
                                          onNotification(method: string, handler: (p: unknown) => void) {
                                            this.record.notifications.set(method, handler);
                                          }
                                          async start() { this.record.started = true; }
                                        },
                                      }));

const {OPEN_SETTINGS, reportMissingServer, startClient} = await import('../../src/host/client');
const {readSettings} = await import('../../src/shared/settings');

const output = () => {
  const lines: string[] = [];
  return {lines, channel: {appendLine: (l: string) => lines.push(l)} as unknown as vscode.OutputChannel};
};

describe('language client start', () => {
  beforeEach(() => {
    resetMock();
    created.length = 0;
  });

  it('explains a missing fa-lsp, names the setting and the build command, and offers Open Settings',
     async () => {
       window.showErrorMessage.mockResolvedValueOnce(OPEN_SETTINGS);
       const text = await reportMissingServer('fa-lsp', ['/usr/bin/fa-lsp']);
       expect(text).toMatch(/"framealloc\.server\.path"/);
       expect(text).toContain('cmake --build build/dev --target fa-lsp');
       expect(window.showErrorMessage).toHaveBeenCalledWith(text, OPEN_SETTINGS);
       expect(commands.executeCommand)
           .toHaveBeenCalledWith('workbench.action.openSettings', 'framealloc.server.path');
     });

  it('does not open the settings when the message is dismissed', async () => {
    await reportMissingServer('fa-lsp', []);
    expect(commands.executeCommand).not.toHaveBeenCalled();
  });

  it('does not start a client when the binary is missing', async () => {
    const out = output();
    const settings = readSettings(() => undefined, '/nonexistent-workspace');
    const client = await startClient(
        {...settings, serverPath: '/nonexistent/fa-lsp'}, '/nonexistent-workspace',
        {output: out.channel, onSnapshot: () => undefined});
    expect(client).toBeUndefined();
    expect(created).toHaveLength(0);
    expect(out.lines[0]).toContain('/nonexistent/fa-lsp');
    expect(window.showErrorMessage.mock.calls[0][0]).toContain('framealloc.server.path');
  });

  it('starts the server found in the workspace build with the settings as initializationOptions',
     async () => {
       const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-ext-'));
       // A name that is not on PATH, so the lookup falls back to <workspace>/build/dev/lsp.
       const server = path.join(root, 'build/dev/lsp/fa-lsp-not-on-path');
       fs.mkdirSync(path.dirname(server), {recursive: true});
       fs.writeFileSync(server, '#!/bin/sh\n', {mode: 0o755});
       const settings = readSettings(
           (k) =>
               ({'server.path': 'fa-lsp-not-on-path', framesKept: 50, snapshotDir: 'snaps'} as
                Record<string, unknown>)[k],
           root);
       const snapshots: unknown[] = [];
       const client = await startClient(
           settings, root, {output: output().channel, onSnapshot: (p) => snapshots.push(p)});
       expect(client).toBeDefined();
       expect(created).toHaveLength(1);
       expect(created[0].id).toBe('framealloc');
       expect(created[0].server.command).toBe(server);
       expect(created[0].options.initializationOptions)
           .toEqual({snapshotDir: path.join(root, 'snaps'), snapshotNotifications: true, snapshotRing: 50});
       expect(created[0].started).toBe(true);
       // The server's executeCommand registration is disabled: the extension owns
       // framealloc.analyzeWorkspace.
       expect(() => created[0].feature.register({})).not.toThrow();
       created[0].notifications.get('framealloc/snapshot')?.({snapshot: 1});
       expect(snapshots).toEqual([{snapshot: 1}]);
       fs.rmSync(root, {recursive: true, force: true});
     });
});
