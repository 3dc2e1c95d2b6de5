import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeEach, describe, expect, it, vi} from 'vitest';

import {analyzeWorkspace, codePageCandidates, explainCode, frameItems, parseCode, pickFramesToCompare, requestSnapshot} from '../../src/host/commands';

import {asFrame, example} from './examples';
import {commands, resetMock, Uri, window, workspace} from './vscode-mock';

const base = example('game_three_threads');

describe('explain an FA code', () => {
  beforeEach(resetMock);

  it('accepts codes in any case and rejects anything else', () => {
    expect(parseCode(' fa601 ')).toBe('FA601');
    expect(parseCode('FA60')).toBeUndefined();
    expect(parseCode('FA6011')).toBeUndefined();
    expect(parseCode('../FA601')).toBeUndefined();
  });

  it('looks in each workspace, then in the extension', () => {
    expect(codePageCandidates('FA601', ['/w1', '/w2'], '/ext')).toEqual([
      '/w1/docs/codes/FA601.md', '/w2/docs/codes/FA601.md', '/ext/dist/codes/FA601.md'
    ]);
  });

  it('opens the workspace\'s page in the markdown preview', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-codes-'));
    fs.mkdirSync(path.join(root, 'docs/codes'), {recursive: true});
    fs.writeFileSync(path.join(root, 'docs/codes/FA601.md'), '# FA601');
    workspace.workspaceFolders = [{uri: Uri.file(root), name: 'w', index: 0}];
    window.showInputBox.mockResolvedValueOnce('fa601');
    expect(await explainCode('/no-extension')).toBe(path.join(root, 'docs/codes/FA601.md'));
    expect(commands.executeCommand)
        .toHaveBeenCalledWith('markdown.showPreview', Uri.file(path.join(root, 'docs/codes/FA601.md')));
    const validate = (window.showInputBox.mock.calls[0][0] as {
                       validateInput(v: string): string | undefined
                     }).validateInput;
    expect(validate('FA601')).toBeUndefined();
    expect(validate('601')).toMatch(/FA followed by three digits/);
    fs.rmSync(root, {recursive: true, force: true});
  });

  it('says so when the code has no page or is not a code', async () => {
    expect(await explainCode('/no-extension', 'FA999')).toBeUndefined();
    expect(window.showErrorMessage.mock.calls[0][0]).toContain('no page for FA999');
    expect(await explainCode('/no-extension', 'hello')).toBeUndefined();
    expect(window.showErrorMessage.mock.calls[1][0]).toContain('"hello" is not an FA code');
    expect(commands.executeCommand).not.toHaveBeenCalled();
  });
});

describe('compare two frames', () => {
  beforeEach(resetMock);
  const frames = [1, 2, 3].map((f) => asFrame(base, f, (s) => {
                                 s.summary.total_bytes = f * 1024;
                               }));

  it('offers the kept frames newest first, without the frame already picked', () => {
    expect(frameItems(frames).map((i) => i.label)).toEqual(['frame 3', 'frame 2', 'frame 1']);
    expect(frameItems(frames)[0].description).toBe('3 KiB total');
    expect(frameItems(frames, 2).map((i) => i.frame)).toEqual([3, 1]);
  });

  it('returns the two picks', async () => {
    window.showQuickPick.mockImplementationOnce(async (items: unknown) => (items as {frame: number}[])[2])
        .mockImplementationOnce(async (items: unknown) => (items as {frame: number}[])[0]);
    expect(await pickFramesToCompare(frames)).toEqual({a: 1, b: 3});
  });

  it('needs two frames and stops when a pick is cancelled', async () => {
    expect(await pickFramesToCompare(frames.slice(0, 1))).toBeUndefined();
    expect(window.showInformationMessage.mock.calls[0][0]).toContain('1 kept so far');
    expect(await pickFramesToCompare(frames)).toBeUndefined();  // the mock quick pick returns undefined
    expect(window.showQuickPick).toHaveBeenCalledTimes(1);
  });
});

describe('server requests', () => {
  beforeEach(resetMock);

  it('sends workspace/executeCommand and framealloc/requestSnapshot to the running server', async () => {
    const sendRequest = vi.fn(
        async (method: string) =>
            (method === 'framealloc/requestSnapshot' ? {requestFile: '/s/snapshot.request'} :
                                                       {progressToken: 't'}));
    const client = {sendRequest} as never;
    expect(await analyzeWorkspace(() => client)).toEqual({progressToken: 't'});
    expect(sendRequest).toHaveBeenCalledWith('workspace/executeCommand', {
      command: 'framealloc.analyzeWorkspace',
      arguments: []
    });
    expect(await requestSnapshot(() => client)).toBe('/s/snapshot.request');
  });

  it('explains that the server is not running, and shows server errors', async () => {
    expect(await analyzeWorkspace(() => undefined)).toBeUndefined();
    expect(window.showErrorMessage.mock.calls[0][0])
        .toMatch(/cannot analyze the workspace: fa-lsp is not running/);
    const failing = {
      sendRequest: vi.fn(async () => {
        throw new Error('no compile_commands.json');
      })
    } as never;
    expect(await requestSnapshot(() => failing)).toBeUndefined();
    expect(window.showErrorMessage.mock.calls[1][0])
        .toContain('snapshot request failed: no compile_commands.json');
  });
});
