import path from 'node:path';
import {describe, expect, it} from 'vitest';

import {initializationOptions, locateServer, missingServerMessage, readSettings, SettingsError} from '../../src/shared/settings';

const from = (values: Record<string, unknown>) => (key: string) => values[key];
const root = '/home/dev/game';

describe('settings → initializationOptions', () => {
  it('uses the defaults when nothing is set', () => {
    const s = readSettings(from({}), root);
    expect(s).toEqual({
      serverPath: 'fa-lsp',
      compileCommandsDir: undefined,
      snapshotDir: undefined,
      framesKept: 600,
      trace: 'off'
    });
    expect(initializationOptions(s)).toEqual({snapshotNotifications: true, snapshotRing: 600});
  });

  it('resolves relative directories against the workspace folder and keeps absolute ones', () => {
    const s = readSettings(
        from({
          compileCommandsDir: 'build/dev',
          snapshotDir: '/tmp/snaps',
          framesKept: 120,
          'trace.server': 'verbose'
        }),
        root);
    expect(initializationOptions(s)).toEqual({
      compileCommandsDir: path.join(root, 'build/dev'),
      snapshotDir: '/tmp/snaps',
      snapshotNotifications: true,
      snapshotRing: 120,
    });
    expect(s.trace).toBe('verbose');
  });

  it('substitutes ${workspaceFolder} and treats blank strings as unset', () => {
    const s = readSettings(from({compileCommandsDir: '${workspaceFolder}/out', snapshotDir: '  '}), root);
    expect(s.compileCommandsDir).toBe(`${root}/out`);
    expect(s.snapshotDir).toBeUndefined();
  });

  it('leaves relative paths to the server when there is no workspace folder', () => {
    expect(readSettings(from({snapshotDir: 'target/fa'})).snapshotDir).toBe('target/fa');
  });

  it.each([
    [{framesKept: '600'}, /framealloc\.framesKept: expected an integer from 1 to 100000, got "600"/],
    [{framesKept: 0}, /framesKept.*got 0/],
    [{framesKept: 12.5}, /framesKept.*got 12.5/],
    [{framesKept: 1e9}, /framesKept.*got 1000000000/],
    [{compileCommandsDir: 42}, /framealloc\.compileCommandsDir: expected a string, got 42/],
    [{snapshotDir: ['a']}, /framealloc\.snapshotDir: expected a string, got \["a"\]/],
    [{'server.path': false}, /framealloc\.server\.path: expected a string, got false/],
    [
      {'trace.server': 'loud'},
      /framealloc\.trace\.server: expected "off", "messages" or "verbose", got "loud"/
    ],
  ])('rejects %j with a clear error', (values, message) => {
    expect(() => readSettings(from(values), root)).toThrow(SettingsError);
    expect(() => readSettings(from(values), root)).toThrow(message);
  });
});

describe('locating fa-lsp', () => {
  it('finds a bare name on PATH first', () => {
    const found = locateServer('fa-lsp', root, '/usr/bin:/opt/fa/bin', (f) => f === '/opt/fa/bin/fa-lsp');
    expect(found).toEqual({ok: true, path: '/opt/fa/bin/fa-lsp'});
  });

  it('falls back to the workspace\'s dev build', () => {
    const found = locateServer('fa-lsp', root, '/usr/bin', (f) => f === `${root}/build/dev/lsp/fa-lsp`);
    expect(found).toEqual({ok: true, path: `${root}/build/dev/lsp/fa-lsp`});
  });

  it('takes a relative path relative to the workspace and does not search PATH for it', () => {
    const tried: string[] = [];
    const found = locateServer('out/fa-lsp', root, '/usr/bin', (f) => (tried.push(f), false));
    expect(found).toEqual({ok: false, tried: [`${root}/out/fa-lsp`]});
  });

  it('reports every place it looked when missing, and the message names the setting and the build command',
     () => {
       const found = locateServer('fa-lsp', root, '/a:/b', () => false);
       expect(found).toEqual({ok: false, tried: ['/a/fa-lsp', '/b/fa-lsp', `${root}/build/dev/lsp/fa-lsp`]});
       const text = missingServerMessage('fa-lsp', found.ok ? [] : found.tried);
       expect(text).toContain('framealloc.server.path');
       expect(text).toContain('cmake --build build/dev --target fa-lsp');
       expect(text).toContain(`${root}/build/dev/lsp/fa-lsp`);
     });
});
