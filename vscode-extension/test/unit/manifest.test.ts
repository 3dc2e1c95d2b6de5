// package.json's contributions agree with the code: menus name contributed commands, settings
// defaults are the ones settings.ts applies, views have the ids the host registers.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

import {DEFAULT_FRAMES_KEPT, DEFAULT_SERVER, MAX_FRAMES_KEPT, readSettings} from '../../src/shared/settings';

const manifest = JSON.parse(fs.readFileSync(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8'));
const contributes = manifest.contributes;
const properties = contributes.configuration.properties as Record < string, {
  default:
    unknown;
    enum?: string[];
    minimum?: number;
    maximum?: number
}
> ;

describe('package.json contributions', () => {
  it('has menu entries only for contributed commands', () => {
    const commands = new Set(contributes.commands.map((c: {command: string}) => c.command));
    const used = Object.values(contributes.menus).flat().map((m) => (m as {command: string}).command);
    expect(used.length).toBeGreaterThan(5);
    for (const command of used) expect(commands).toContain(command);
  });

  it('declares the settings settings.ts reads, with the same defaults and limits', () => {
    expect(Object.keys(properties).sort()).toEqual([
      'framealloc.compileCommandsDir', 'framealloc.framesKept', 'framealloc.server.path',
      'framealloc.snapshotDir', 'framealloc.trace.server'
    ]);
    const defaults = (key: string) => properties[`framealloc.${key}`]?.default;
    const s = readSettings(defaults, '/ws');
    expect(s.serverPath).toBe(DEFAULT_SERVER);
    expect(s.framesKept).toBe(DEFAULT_FRAMES_KEPT);
    expect(s.compileCommandsDir).toBeUndefined();
    expect(s.snapshotDir).toBeUndefined();
    expect(s.trace).toBe('off');
    expect(properties['framealloc.framesKept'].maximum).toBe(MAX_FRAMES_KEPT);
    expect(properties['framealloc.framesKept'].minimum).toBe(1);
    expect(properties['framealloc.trace.server'].enum).toEqual(['off', 'messages', 'verbose']);
  });

  it('puts the Tags tree and the Inspector webview in the framealloc activity bar container', () => {
    expect(contributes.viewsContainers.activitybar[0].id).toBe('framealloc');
    expect(fs.existsSync(path.resolve(
               path.dirname(fileURLToPath(import.meta.url)), '../..',
               contributes.viewsContainers.activitybar[0].icon)))
        .toBe(true);
    expect(contributes.views.framealloc).toEqual([
      {id: 'framealloc.tags', name: 'Tags'}, {id: 'framealloc.inspector', name: 'Inspector', type: 'webview'}
    ]);
  });

  it('shows pause or resume depending on the live view context key', () => {
    const palette: Array<{command: string; when: string}> = contributes.menus.commandPalette;
    expect(palette.find((m) => m.command === 'framealloc.pauseLiveView')?.when)
        .toBe('!framealloc.liveViewPaused');
    expect(palette.find((m) => m.command === 'framealloc.resumeLiveView')?.when)
        .toBe('framealloc.liveViewPaused');
  });
});
