import {beforeEach, describe, expect, it, vi} from 'vitest';
import {feedMessages, type InspectorActions, InspectorHost} from '../../src/host/inspectorView';
import {LiveFeed} from '../../src/host/liveFeed';
import {FakeWebview, resetMock, Uri} from './vscode-mock';
import {asFrame, example} from './examples';
import type * as vscode from 'vscode';

const base = example('game_three_threads');

function setup() {
  const feed = new LiveFeed(4);
  const actions: InspectorActions&{logged: string[]} = {
    logged: [],
    openSource: vi.fn(async () => true),
    revealTag: vi.fn(async () => true),
    requestSnapshot: vi.fn(async () => 'req'),
    log(m: string) { this.logged.push(m); },
  };
  const host = new InspectorHost(Uri.file('/ext') as unknown as vscode.Uri, feed, actions);
  const page = new FakeWebview();
  host.attach(page as unknown as vscode.Webview);
  return {feed, actions, host, page};
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('inspector webview host', () => {
  beforeEach(resetMock);

  it('restricts the page to dist/ and media/ and loads the bundled script with a nonce', () => {
    const {page} = setup();
    const options = page.options as {
      enableScripts: boolean;
      localResourceRoots: Uri[]
    };
    expect(options.enableScripts).toBe(true);
    expect(options.localResourceRoots.map((u) => u.fsPath)).toEqual(['/ext/dist', '/ext/media']);
    const html = page.html.replace(/&#39;/g, '\'');
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{24}$/);
    expect(html).toContain('default-src \'none\'');
    expect(html).toContain(`<script nonce="${nonce}"`);
    expect(page.html).toContain('/webview/ext/dist/webview.js');
    expect(page.html).toContain('/webview/ext/dist/uPlot.min.css');
    expect(page.html).toContain('/webview/ext/media/inspector.css');
    expect(page.html).not.toMatch(/\son[a-z]+=/);  // no inline handlers
  });

  it('answers ready with the config, the kept frames and the pause state', async () => {
    const {feed, page} = setup();
    feed.receive({snapshot: asFrame(base, 1)});
    page.posted = [];
    page.send({type: 'ready'});
    await flush();
    expect(page.posted.map((m) => (m as {type: string}).type)).toEqual(['config', 'history', 'paused']);
    expect(page.posted[0]).toEqual({type: 'config', framesKept: 4});
    expect((page.posted[1] as {frames: {frame: number}[]}).frames.map((s) => s.frame)).toEqual([1]);
  });

  it('forwards new frames, pauses and resumes to every attached page', () => {
    const {feed, host, page} = setup();
    const second = new FakeWebview();
    host.attach(second as unknown as vscode.Webview);
    feed.receive({snapshot: asFrame(base, 5)});
    expect(page.posted).toEqual([{type: 'snapshot', snapshot: asFrame(base, 5)}]);
    expect(second.posted).toHaveLength(1);
    feed.pause();
    expect(page.posted.at(-1)).toEqual({type: 'paused', paused: true});
    host.post({type: 'compare', a: 1, b: 5});
    expect(second.posted.at(-1)).toEqual({type: 'compare', a: 1, b: 5});
    expect(feedMessages({kind: 'selection', frame: 3})).toEqual([]);
  });

  it('repeats the last comparison to a page that loads later, while both frames are kept', async () => {
    const {feed, host} = setup();
    for (let f = 1; f <= 4; ++f) feed.receive({snapshot: asFrame(base, f)});
    host.compare(1, 4);
    const late = new FakeWebview();
    host.attach(late as unknown as vscode.Webview);
    late.send({type: 'ready'});
    await flush();
    expect(late.posted.at(-1)).toEqual({type: 'compare', a: 1, b: 4});
    feed.receive({snapshot: asFrame(base, 5)});  // frame 1 evicted (4 kept)
    const later = new FakeWebview();
    host.attach(later as unknown as vscode.Webview);
    later.send({type: 'ready'});
    await flush();
    expect(later.posted.map((m) => (m as {type: string}).type)).toEqual(['config', 'history', 'paused']);
  });

  it('acts on valid messages', async () => {
    const {feed, actions, page} = setup();
    for (let f = 1; f <= 3; ++f) feed.receive({snapshot: asFrame(base, f)});
    page.send({type: 'openSource', file: 'src/ai/pathfinding.cpp', line: 142});
    page.send({type: 'revealTag', path: 'ai::pathfinding'});
    page.send({type: 'requestSnapshot'});
    page.send({type: 'selectFrame', frame: 2});
    page.send({type: 'setPaused', paused: true});
    await flush();
    expect(actions.openSource).toHaveBeenCalledWith('src/ai/pathfinding.cpp', 142);
    expect(actions.revealTag).toHaveBeenCalledWith('ai::pathfinding');
    expect(actions.requestSnapshot).toHaveBeenCalledTimes(1);
    expect(feed.current()?.frame).toBe(2);
    expect(feed.paused).toBe(true);
    page.send({type: 'setPaused', paused: false});
    expect(feed.paused).toBe(false);
    expect(actions.logged).toEqual([]);
  });

  it('ignores and logs invalid messages without acting', async () => {
    const {feed, actions, host, page} = setup();
    const from = page as unknown as vscode.Webview;
    expect(await host.handle({type: 'openSource', file: '/etc/passwd', line: -1}, from)).toBe(false);
    expect(await host.handle({type: 'setPaused', paused: 'true'}, from)).toBe(false);
    expect(await host.handle('ready', from)).toBe(false);
    expect(await host.handle({type: 'runCommand', command: 'rm'}, from)).toBe(false);
    expect(actions.openSource).not.toHaveBeenCalled();
    expect(feed.paused).toBe(false);
    expect(page.posted).toEqual([]);
    expect(actions.logged).toHaveLength(4);
    expect(actions.logged[0]).toMatch(/ignored a message from the inspector: openSource.line/);
  });

  it('stops posting to a detached page', () => {
    const feed = new LiveFeed(2);
    const host = new InspectorHost(
        Uri.file('/ext') as unknown as vscode.Uri, feed,
        {openSource: vi.fn(), revealTag: vi.fn(), requestSnapshot: vi.fn(), log: vi.fn()});
    const page = new FakeWebview();
    const attachment = host.attach(page as unknown as vscode.Webview);
    attachment.dispose();
    feed.receive({snapshot: asFrame(base, 1)});
    expect(page.posted).toEqual([]);
    expect(host.attachedCount).toBe(0);
  });
});
