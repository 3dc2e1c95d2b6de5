import {describe, expect, it} from 'vitest';

import {validateWebviewMessage} from '../../src/shared/validate';

describe('webview → host message validation', () => {
  it.each([
    [{type: 'ready'}],
    [{type: 'requestSnapshot'}],
    [{type: 'openSource', file: 'src/ai/path.cpp', line: 42}],
    [{type: 'revealTag', path: 'ai::pathfinding'}],
    [{type: 'selectFrame', frame: 0}],
    [{type: 'selectFrame', frame: 18421}],
    [{type: 'setPaused', paused: true}],
    [{type: 'setPaused', paused: false}],
  ])('accepts %j', (message) => {
    expect(validateWebviewMessage(message)).toEqual({ok: true, value: message});
  });

  it('drops unknown members from a valid message', () => {
    expect(validateWebviewMessage({type: 'selectFrame', frame: 3, extra: '<script>'}))
        .toEqual({ok: true, value: {type: 'selectFrame', frame: 3}});
  });

  it.each([
    [null, /not an object/],
    ['ready', /not an object/],
    [[{type: 'ready'}], /not an object/],
    [{}, /unknown message type/],
    [{type: 'eval', code: '1'}, /unknown message type "eval"/],
    [{type: 'openSource', file: '', line: 1}, /openSource.file/],
    [{type: 'openSource', file: 'a.cpp\u0000.png', line: 1}, /openSource.file/],
    [{type: 'openSource', file: 'x'.repeat(5000), line: 1}, /openSource.file/],
    [{type: 'openSource', file: 'a.cpp', line: 0}, /openSource.line/],
    [{type: 'openSource', file: 'a.cpp', line: '3'}, /openSource.line/],
    [{type: 'openSource', file: 'a.cpp', line: 2.5}, /openSource.line/],
    [{type: 'revealTag'}, /revealTag.path/],
    [{type: 'revealTag', path: 7}, /revealTag.path/],
    [{type: 'selectFrame', frame: -1}, /selectFrame.frame/],
    [{type: 'selectFrame', frame: Number.NaN}, /selectFrame.frame/],
    [{type: 'selectFrame', frame: 2 ** 60}, /selectFrame.frame/],
    [{type: 'setPaused', paused: 'yes'}, /setPaused.paused/],
    [{type: 'setPaused'}, /setPaused.paused/],
  ])('rejects %j', (message, reason) => {
    const r = validateWebviewMessage(message);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(reason);
  });
});
