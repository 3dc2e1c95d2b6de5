// Hosts the Memory Inspector page, both as the sidebar webview view and as an editor panel. The
// page gets data only through postMessage; everything it posts back is validated and invalid
// messages are logged and ignored.
import {randomBytes} from 'node:crypto';
import * as vscode from 'vscode';

import {inspectorHtml} from '../shared/inspectorHtml';

import type {HostToWebview, WebviewToHost} from '../shared/protocol';
import {validateWebviewMessage} from '../shared/validate';
import type {FeedEvent, LiveFeed} from './liveFeed';

export const INSPECTOR_VIEW_ID = 'framealloc.inspector';

/** What the page's buttons and links do (implemented by extension.ts with sourceNav and the client). */
export interface InspectorActions {
  openSource(file: string, line: number): Promise<unknown>;
  revealTag(path: string): Promise<unknown>;
  requestSnapshot(): Promise<unknown>;
  log(message: string): void;
}

/** The messages a feed event becomes for the page. */
export function feedMessages(event: FeedEvent): HostToWebview[] {
  switch (event.kind) {
    case 'snapshot':
      return [{type: 'snapshot', snapshot: event.snapshot}];
    case 'history':
      return [{type: 'history', frames: event.frames}];
    case 'paused':
      return [{type: 'paused', paused: event.paused}];
    case 'selection':
      return [];
  }
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots:
        [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class InspectorHost implements vscode.Disposable {
  private readonly webviews = new Set<vscode.Webview>();
  private readonly feedSubscription: {dispose(): void};
  private panel: vscode.WebviewPanel|undefined;
  private lastCompare: HostToWebview&{type: 'compare'}|undefined;

  constructor(
      private readonly extensionUri: vscode.Uri, private readonly feed: LiveFeed,
      private readonly actions: InspectorActions) {
    this.feedSubscription = feed.onDidChange((e) => feedMessages(e).forEach((m) => this.post(m)));
  }

  /** Sets up a webview (view or panel) and returns what detaches it. */
  attach(webview: vscode.Webview): vscode.Disposable {
    webview.options = webviewOptions(this.extensionUri);
    const asset = (...p: string[]) =>
        webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    webview.html = inspectorHtml({
      nonce: randomBytes(18).toString('base64'),
      cspSource: webview.cspSource,
      scriptUri: asset('dist', 'webview.js'),
      styleUris: [asset('dist', 'uPlot.min.css'), asset('media', 'inspector.css')],
      title: 'framealloc Memory Inspector',
    });
    this.webviews.add(webview);
    const listener = webview.onDidReceiveMessage((m: unknown) => this.handle(m, webview));
    return {
      dispose: () => {
        listener.dispose();
        this.webviews.delete(webview);
      }
    };
  }

  /** Opens (or reveals) the inspector as an editor panel. */
  openPanel(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
        INSPECTOR_VIEW_ID, 'framealloc Inspector', vscode.ViewColumn.Active,
        {...webviewOptions(this.extensionUri), retainContextWhenHidden: true});
    const attachment = this.attach(panel.webview);
    panel.onDidDispose(() => {
      attachment.dispose();
      this.panel = undefined;
    });
    this.panel = panel;
    return panel;
  }

  get attachedCount(): number { return this.webviews.size; }

  post(message: HostToWebview): void {
    for (const w of this.webviews) void w.postMessage(message);
  }

  /**
   * Asks every page to compare frames a and b. Remembered for pages that load later (a panel opened
   * by the command posts 'ready' after this call), as long as both frames are still kept.
   */
  compare(a: number, b: number): void {
    this.lastCompare = {type: 'compare', a, b};
    this.post(this.lastCompare);
  }

  /** Handles one message from a page; returns false when it was invalid and ignored. */
  async handle(raw: unknown, from: vscode.Webview): Promise<boolean> {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      this.actions.log(`ignored a message from the inspector: ${checked.error}`);
      return false;
    }
    const message: WebviewToHost = checked.value;
    switch (message.type) {
      case 'ready':
        void from.postMessage({type: 'config', framesKept: this.feed.capacity} satisfies HostToWebview);
        void from.postMessage({type: 'history', frames: this.feed.frames()} satisfies HostToWebview);
        void from.postMessage({type: 'paused', paused: this.feed.paused} satisfies HostToWebview);
        if (this.lastCompare && this.feed.frame(this.lastCompare.a) && this.feed.frame(this.lastCompare.b)) {
          void from.postMessage(this.lastCompare);
        }
        break;
      case 'openSource':
        await this.actions.openSource(message.file, message.line);
        break;
      case 'revealTag':
        await this.actions.revealTag(message.path);
        break;
      case 'selectFrame':
        this.feed.select(message.frame);
        break;
      case 'requestSnapshot':
        await this.actions.requestSnapshot();
        break;
      case 'setPaused':
        if (message.paused)
          this.feed.pause();
        else
          this.feed.resume();
        break;
    }
    return true;
  }

  dispose(): void {
    this.feedSubscription.dispose();
    this.panel?.dispose();
    this.webviews.clear();
  }
}

/** The sidebar view: one more page attached to the same host. */
export class InspectorViewProvider implements vscode.WebviewViewProvider {
  constructor(private readonly host: InspectorHost) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const attachment = this.host.attach(view.webview);
    view.onDidDispose(() => attachment.dispose());
  }
}
