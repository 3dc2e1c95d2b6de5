// Entry point: wires the language client (fa-lsp), the live feed of snapshots, the Tags tree, the
// status bar and the Memory Inspector (sidebar view and editor panel). The host talks to fa-lsp only
// through LSP; the inspector page talks to the host only through postMessage.
import * as vscode from 'vscode';
import type {LanguageClient} from 'vscode-languageclient/node';
import {type ExtensionSettings, readSettings, SettingsError} from '../shared/settings';
import {fetchHistory, OPEN_SETTINGS, startClient} from './client';
import {analyzeWorkspace, explainCode, pickFramesToCompare, requestSnapshot} from './commands';
import {InspectorHost, InspectorViewProvider, INSPECTOR_VIEW_ID} from './inspectorView';
import {LiveFeed} from './liveFeed';
import {openSource, revealTag} from './sourceNav';
import {FrameStatusBar} from './statusBar';
import {TagsTreeProvider} from './tagsTree';
import type {TagNode} from '../shared/tagTree';

let client: LanguageClient|undefined;

const workspaceRoot = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

function loadSettings(output: vscode.OutputChannel): ExtensionSettings|undefined {
  const config = vscode.workspace.getConfiguration('framealloc');
  try {
    return readSettings((key) => config.get(key), workspaceRoot());
  } catch (e) {
    // A SettingsError's message already names the setting ("framealloc.framesKept: ...").
    const text = e instanceof SettingsError ? e.message : `framealloc: ${String(e)}`;
    output.appendLine(text);
    void vscode.window.showErrorMessage(text, OPEN_SETTINGS).then((choice) => {
      if (choice === OPEN_SETTINGS)
        void vscode.commands.executeCommand('workbench.action.openSettings', 'framealloc');
    });
    return undefined;
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('framealloc');
  const initial = loadSettings(output);
  const feed = new LiveFeed(initial?.framesKept ?? 600);
  const tree = new TagsTreeProvider();
  const treeView = vscode.window.createTreeView('framealloc.tags', {treeDataProvider: tree});
  const status = new FrameStatusBar();
  const host = new InspectorHost(context.extensionUri, feed, {
    openSource,
    revealTag,
    requestSnapshot: () => requestSnapshot(() => client),
    log: (m) => output.appendLine(m),
  });

  const refresh = () => {
    const shown = feed.current();
    tree.show(shown, shown ? feed.previousOf(shown) : undefined);
    treeView.message = shown ? undefined : 'No snapshot yet: run a program that uses SnapshotEmitter.';
    treeView.description = shown ? `frame ${shown.frame}${feed.paused ? ' (paused)' : ''}` : undefined;
    status.update(shown, feed.paused, feed.selection !== undefined);
  };
  const setPausedContext = (paused: boolean) =>
      void vscode.commands.executeCommand('setContext', 'framealloc.liveViewPaused', paused);
  feed.onDidChange((e) => {
    if (e.kind === 'paused') setPausedContext(e.paused);
    if (e.kind !== 'snapshot' || feed.selection === undefined) refresh();
  });
  setPausedContext(false);
  refresh();

  const start = async () => {
    const settings = loadSettings(output);
    if (!settings) return;
    feed.setCapacity(settings.framesKept);
    client = await startClient(settings, workspaceRoot(), {
               output,
               onSnapshot: (p) => {
                 if (!feed.receive(p))
                   output.appendLine('ignored a framealloc/snapshot notification without a valid snapshot');
               },
             }).catch((e: Error) => {
      output.appendLine(`fa-lsp failed to start: ${e.message}`);
      void vscode.window.showErrorMessage(`framealloc: fa-lsp failed to start: ${e.message}`);
      return undefined;
    });
    if (client) feed.catchUp(await fetchHistory(client).catch(() => []));
  };
  const stop = async () => {
    const running = client;
    client = undefined;
    if (running) await running.stop().catch((e: Error) => output.appendLine(`stopping fa-lsp: ${e.message}`));
  };

  const register = (id: string, fn: (...args: never[]) => unknown) =>
      context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  register('framealloc.requestSnapshot', () => requestSnapshot(() => client));
  register('framealloc.analyzeWorkspace', () => analyzeWorkspace(() => client));
  register('framealloc.restartServer', async () => {
    await stop();
    await start();
  });
  register('framealloc.compareFrames', async () => {
    const picked = await pickFramesToCompare(feed.frames());
    if (!picked) return;
    if (host.attachedCount === 0) host.openPanel();
    host.compare(picked.a, picked.b);
  });
  register(
      'framealloc.explainCode',
      (code?: string) =>
          explainCode(context.extensionUri.fsPath, typeof code === 'string' ? code : undefined));
  register('framealloc.pauseLiveView', () => feed.pause());
  register('framealloc.resumeLiveView', () => feed.resume());
  register('framealloc.openInspector', () => host.openPanel());
  register('framealloc.revealTag', (node?: TagNode|string) => {
    const path = typeof node === 'string' ? node : node?.path;
    return path === undefined ? undefined : revealTag(path);
  });

  context.subscriptions.push(
      output,
      treeView,
      tree,
      status,
      host,
      vscode.window.registerWebviewViewProvider(
          INSPECTOR_VIEW_ID, new InspectorViewProvider(host),
          {webviewOptions: {retainContextWhenHidden: true}}),
      vscode.workspace.onDidChangeConfiguration(async (e) => {
        if (!e.affectsConfiguration('framealloc')) return;
        const settings = loadSettings(output);
        if (!settings) return;
        feed.setCapacity(settings.framesKept);
        host.post({type: 'config', framesKept: settings.framesKept});
        const serverChanged = ['server.path', 'compileCommandsDir', 'snapshotDir', 'framesKept'].some(
            (k) => e.affectsConfiguration(`framealloc.${k}`));
        if (serverChanged) {
          await stop();
          await start();
        }
      }),
      {dispose: () => void stop()},
  );
  await start();
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}
