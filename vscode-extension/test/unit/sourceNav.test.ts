import {beforeEach, describe, expect, it} from 'vitest';

import {findTagLiteral, resolveSourceFile, revealTag, tagLiterals} from '../../src/host/sourceNav';

import {resetMock, Uri, window, workspace} from './vscode-mock';

describe('resolving snapshot file names', () => {
  const files =
      new Set(['/ws/game/src/ai/pathfinding.cpp', '/ws/engine/src/render/draw_list.cpp', '/abs/tool.cpp']);
  const exists = (p: string) => files.has(p);
  const roots = ['/ws/game', '/ws/engine'];

  it('takes an existing absolute path as is', () => {
    expect(resolveSourceFile('/abs/tool.cpp', roots, exists)).toBe('/abs/tool.cpp');
  });
  it('joins a relative path to each workspace folder', () => {
    expect(resolveSourceFile('src/render/draw_list.cpp', roots, exists))
        .toBe('/ws/engine/src/render/draw_list.cpp');
  });
  it('matches the trailing components of another machine\'s absolute path', () => {
    expect(resolveSourceFile('/home/ci/checkout/src/ai/pathfinding.cpp', roots, exists))
        .toBe('/ws/game/src/ai/pathfinding.cpp');
    expect(resolveSourceFile('C:\\build\\src\\ai\\pathfinding.cpp', roots, exists))
        .toBe('/ws/game/src/ai/pathfinding.cpp');
  });
  it('does not guess from a bare file name shared by many directories, nor escape the workspace', () => {
    expect(resolveSourceFile('/elsewhere/pathfinding.cpp', roots, exists)).toBeUndefined();
    expect(resolveSourceFile('../../abs/tool.cpp', roots, exists)).toBeUndefined();
    expect(resolveSourceFile('src/missing.cpp', roots, exists)).toBeUndefined();
  });
});

describe('finding a tag literal', () => {
  const source = [
    'void update() {',
    '  fa::with_tag("ai", [&] {',
    '    fa::TagScope scope{"pathfinding"};',
    '    auto* p = alloc.frame_alloc<Node>();',
    '  });',
    '  log("ai::pathfinding");',
    '}',
  ].join('\n');

  it('finds with_tag, push_tag and TagScope literals with their 0-based position', () => {
    expect(findTagLiteral(source, 'ai')).toEqual({line: 1, character: 16});
    expect(findTagLiteral(source, 'pathfinding')).toEqual({line: 2, character: 24});
    expect(findTagLiteral('alloc.push_tag("physics::broadphase");', 'physics::broadphase'))
        .toEqual({line: 0, character: 16});
  });
  it('ignores the same text outside a tag call and partial names', () => {
    expect(findTagLiteral(source, 'ai::pathfinding')).toBeUndefined();
    expect(findTagLiteral(source, 'path')).toBeUndefined();
    expect(findTagLiteral('with_tag("a.b")', 'a+b')).toBeUndefined();  // regex characters are literal
  });
  it('looks for the full path, then its last segment', () => {
    expect(tagLiterals('ai::pathfinding')).toEqual(['ai::pathfinding', 'pathfinding']);
    expect(tagLiterals('ai')).toEqual(['ai']);
  });
});

describe('revealTag over workspace files', () => {
  beforeEach(resetMock);
  const texts: Record<string, string> = {
    '/ws/a.cpp': 'fa::TagScope s("pathfinding");',
    '/ws/b.cpp': '\n\nalloc.with_tag("ai::pathfinding", f);',
  };
  beforeEach(() => {
    workspace.findFiles.mockResolvedValue(Object.keys(texts).map((p) => Uri.file(p)));
    workspace.fs.readFile.mockImplementation(async (u: Uri) => new TextEncoder().encode(texts[u.fsPath]));
  });

  it('prefers a literal naming the full path over an earlier last-segment match', async () => {
    expect(await revealTag('ai::pathfinding')).toBe(true);
    const [uri, options] = window.showTextDocument.mock
                               .calls[0] as [Uri, {selection: {start: {line: number; character: number}}}];
    expect(uri.fsPath).toBe('/ws/b.cpp');
    expect(options.selection.start).toEqual({line: 2, character: 16});
  });

  it('falls back to the last segment, and says so when nothing names the tag', async () => {
    expect(await revealTag('physics::pathfinding')).toBe(true);
    expect((window.showTextDocument.mock.calls[0][0] as Uri).fsPath).toBe('/ws/a.cpp');
    expect(await revealTag('audio')).toBe(false);
    expect(window.showInformationMessage.mock.calls[0][0])
        .toContain('no with_tag/push_tag/TagScope names "audio"');
  });
});
