// The webview's data model (no DOM needed): message validation, state updates, timeline series
// and the page template.
import {describe, expect, it} from 'vitest';

import {escapeJsonForScript, inspectorHtml} from '../../src/shared/inspectorHtml';
import {isSnapshot, parseHostMessage} from '../../src/webview/messages';
import {buildTimeline, findSpikes, MAX_LAYERS, peakIndex, perFrameByTopTag, restartedBetween, stack} from '../../src/webview/series';
import {applyMessage, comparePair, currentFrame, initialState, previousFrame} from '../../src/webview/state';

import {example, snapshot, tag} from './inspectorFixtures';

describe('host message validation', () => {
  it('accepts the schema examples and well-formed messages', () => {
    expect(isSnapshot(example('game_three_threads'))).toBe(true);
    expect(isSnapshot(example('empty_allocator'))).toBe(true);
    expect(parseHostMessage({type: 'compare', a: 1, b: 2})).toEqual({type: 'compare', a: 1, b: 2});
    expect(parseHostMessage({type: 'paused', paused: true})).toEqual({type: 'paused', paused: true});
  });
  it('accepts the fields the schema leaves optional being absent', () => {
    const s = example('game_three_threads');
    const phases = s.phases.map(({duration_us: _omitted, ...rest}) => rest);
    const diagnostics = s.diagnostics.map(({last_thread: _omitted, ...rest}) => rest);
    const threads = s.threads.map(({name: _omitted, ...rest}) => rest);
    expect(isSnapshot({...s, phases, diagnostics, threads})).toBe(true);
  });
  it('rejects wrong shapes', () => {
    const s = example('game_three_threads');
    expect(isSnapshot({...s, version: 2})).toBe(false);
    expect(isSnapshot({...s, summary: {...s.summary, total_bytes: '1'}})).toBe(false);
    expect(isSnapshot({...s, tags: [{path: 'a'}]})).toBe(false);
    expect(isSnapshot({...s, sites: [{...s.sites[0], kind: 'stack'}]})).toBe(false);
    expect(isSnapshot({...s, threads: [{...s.threads[0], exited: 'no'}]})).toBe(false);
    expect(parseHostMessage({type: 'history', frames: [s, {}]})).toBeNull();
    expect(parseHostMessage({type: 'config', framesKept: 0})).toBeNull();
    expect(parseHostMessage({type: 'compare', a: -1, b: 2})).toBeNull();
    expect(parseHostMessage({type: 'eval', code: 'x'})).toBeNull();
    expect(parseHostMessage('history')).toBeNull();
  });
});

describe('inspector state', () => {
  const frames = [snapshot(3), snapshot(1), snapshot(2)];
  it('keeps frames sorted, unique and within framesKept', () => {
    let s = applyMessage(initialState('webview'), {type: 'config', framesKept: 3});
    s = applyMessage(s, {type: 'history', frames});
    expect(s.frames.map((f) => f.frame)).toEqual([1, 2, 3]);
    s = applyMessage(s, {type: 'snapshot', snapshot: snapshot(4)});
    s = applyMessage(s, {type: 'snapshot', snapshot: snapshot(4)});
    expect(s.frames.map((f) => f.frame)).toEqual([2, 3, 4]);
  });
  it('follows the newest frame until one is selected; compares previous with current by default', () => {
    let s = applyMessage(initialState('report'), {type: 'history', frames});
    expect(currentFrame(s)?.frame).toBe(3);
    expect(comparePair(s)!.map((f) => f.frame)).toEqual([2, 3]);
    s = {...s, selected: 2};
    expect(currentFrame(s)?.frame).toBe(2);
    expect(previousFrame(s, currentFrame(s)!)?.frame).toBe(1);
    s = applyMessage(s, {type: 'compare', a: 1, b: 3});
    expect(comparePair(s)!.map((f) => f.frame)).toEqual([1, 3]);
    // A frame no longer held falls back to the default pair.
    s = applyMessage(s, {type: 'compare', a: 99, b: 3});
    expect(comparePair(s)!.map((f) => f.frame)).toEqual([1, 3]);
  });
});

describe('timeline series', () => {
  it('plots bytes allocated per frame per top-level tag from cumulative counters', () => {
    // Two frames 10 apart with cumulative bytes 1000 and 6000: 500 allocated per frame.
    const f1 = snapshot(10, {tags: [tag('a', 600), tag('a::x', 400), tag('b', 100)]});
    const f2 = snapshot(20, {tags: [tag('a', 3600), tag('a::x', 2400), tag('b', 300)]});
    const f3 = snapshot(21, {tags: [tag('a', 3700), tag('a::x', 2400), tag('b', 300), tag('c', 50)]});
    const t = buildTimeline([f1, f2, f3], 'tag');
    expect(t.unit).toBe('allocated per frame');
    expect(t.frames).toEqual([10, 20, 21]);
    expect(t.layers).toEqual([
      {label: 'a', values: [null, 500, 100]},
      {label: 'c', values: [null, 0, 50]},
      {label: 'b', values: [null, 20, 0]},
    ]);
    expect(t.totals).toEqual([null, 520, 150]);
    expect(stack(t.layers)).toEqual([[null, 500, 100], [null, 500, 150], [null, 520, 150]]);
  });
  it('gives the first frame and a frame after a counter decrease no value', () => {
    const run1 = [snapshot(5, {tags: [tag('a', 100)]}), snapshot(6, {tags: [tag('a', 300)]})];
    // The program restarted: frame numbers and counters went back.
    const run2 = [snapshot(1, {tags: [tag('a', 40)]}), snapshot(3, {tags: [tag('a', 100)]})];
    const t = buildTimeline([...run1, ...run2], 'tag');
    expect(t.layers).toEqual([{label: 'a', values: [null, 200, null, 30]}]);
    expect(t.totals).toEqual([null, 200, null, 30]);
    // A counter going back with a growing frame number is a restart too; so is a tag vanishing.
    expect(restartedBetween(snapshot(5, {tags: [tag('a', 100)]}), snapshot(9, {tags: [tag('a', 99)]})))
        .toBe(true);
    expect(restartedBetween(snapshot(5, {tags: [tag('a::x', 1)]}), snapshot(9, {tags: [tag('b', 9)]})))
        .toBe(true);
    expect(restartedBetween(snapshot(5, {tags: [tag('a', 1)]}), snapshot(5, {tags: [tag('a', 1)]})))
        .toBe(false);
    const dropped =
        perFrameByTopTag([snapshot(5, {tags: [tag('a', 100)]}), snapshot(9, {tags: [tag('a', 99)]})]);
    expect(dropped.get('a')).toEqual([null, null]);
  });
  it('divides by at least one frame when two snapshots share a frame number', () => {
    const t =
        buildTimeline([snapshot(7, {tags: [tag('a', 10)]}), snapshot(7, {tags: [tag('a', 25)]})], 'tag');
    expect(t.layers[0].values).toEqual([null, 15]);
  });
  it('stacks live bytes by thread against the live total', () => {
    const g = example('game_three_threads');
    const byThread = buildTimeline([g], 'thread');
    expect(byThread.unit).toBe('live bytes');
    expect(byThread.layers[0]).toEqual({label: 'main #1', values: [1048576 + 8388608]});
    expect(byThread.totals).toEqual([g.summary.total_bytes]);
  });
  it('merges layers beyond the limit into "other"', () => {
    const tags = (k: number) => Array.from({length: MAX_LAYERS + 3}, (_, i) => tag(`t${i}`, k * (100 - i)));
    const t = buildTimeline([snapshot(1, {tags: tags(1)}), snapshot(2, {tags: tags(2)})], 'tag');
    expect(t.layers).toHaveLength(MAX_LAYERS + 1);
    expect(t.layers[0]).toEqual({label: 't0', values: [null, 100]});
    expect(t.layers[MAX_LAYERS]).toEqual({label: 'other', values: [null, 100 - 8 + 100 - 9 + 100 - 10]});
  });
  it('finds spikes above 1.5x the moving median and the peak, skipping frames without a value', () => {
    expect(findSpikes([10, 10, 10, 16, 10, 14, 10])).toEqual([3]);
    expect(findSpikes([0, 0, 5])).toEqual([]);
    expect(findSpikes([10, 100, 100, 100, 100], 3)).toEqual([1, 2]);
    expect(findSpikes([null, 10, null, 10, 16])).toEqual([4]);
    expect(findSpikes([null, null])).toEqual([]);
    expect(peakIndex([1, 5, 5, 2])).toBe(1);
    expect(peakIndex([null, 3, null, 9, 4])).toBe(3);
    expect(peakIndex([])).toBe(-1);
    expect(peakIndex([null, null])).toBe(-1);
    expect(peakIndex([7, 7, 7])).toBe(-1);
  });
});

describe('inspectorHtml', () => {
  const base = {
    nonce: 'abcdefghijklmnop1234',
    cspSource: 'vscode-webview://x',
    scriptUri: 'vscode-webview://x/dist/webview.js',
    styleUris: ['vscode-webview://x/dist/uPlot.min.css', 'vscode-webview://x/media/inspector.css']
  };
  it('sets the agreed CSP and loads the script with the nonce', () => {
    const html = inspectorHtml(base);
    expect(html).toContain(
        'default-src &#39;none&#39;; img-src vscode-webview://x data:; ' +
        'style-src vscode-webview://x &#39;nonce-abcdefghijklmnop1234&#39;; script-src &#39;nonce-abcdefghijklmnop1234&#39;;');
    expect(html).toContain(
        '<script nonce="abcdefghijklmnop1234" src="vscode-webview://x/dist/webview.js"></script>');
    expect(html).not.toContain('id="fa-data"');
    expect(html).not.toMatch(/ on[a-z]+=/);
  });
  it('escapes the title and the embedded data', () => {
    const html = inspectorHtml({...base, title: '<img src=x>', embeddedData: '{"a":"</script><!--"}'});
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).toContain('{"a":"\\u003c/script\\u003e\\u003c!--"}');
    expect(JSON.parse(escapeJsonForScript('{"a":"</script>&\u2028"}'))).toEqual({a: '</script>&\u2028'});
  });
  it('refuses a weak nonce', () => {
    expect(() => inspectorHtml({...base, nonce: 'x" onload="y'})).toThrow(/nonce/);
  });
});
