// A small stand-in for the `vscode` module (aliased in vitest.config.ts): the classes the host
// constructs, and window/workspace/commands functions as vi.fn() so tests can script answers and
// inspect calls. Call resetMock() in beforeEach.
import path from 'node:path';
import {vi} from 'vitest';

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  event = (listener: (e: T) => void) => {
    this.listeners.add(listener);
    return {dispose: () => this.listeners.delete(listener)};
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void { this.listeners.clear(); }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2
}
export enum ViewColumn {
  Active = -1,
  One = 1
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  constructor(
      public label: string,
      public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}

export class ThemeColor {
  constructor(public id: string) {}
}
export class Position {
  constructor(public line: number, public character: number) {}
}
export class Range {
  start: Position;
  end: Position;
  /** (start, end) or (startLine, startCharacter, endLine, endCharacter), like vscode.Range. */
  constructor(a: Position|number, b: Position|number, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c as number, d as number) : b as Position;
  }
}

export class Uri {
  private constructor(public scheme: string, public fsPath: string) {}
  static file(p: string): Uri { return new Uri('file', p); }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  get path(): string { return this.fsPath; }
  toString(): string { return `${this.scheme}://${this.fsPath}`; }
}

export interface StatusBarItemMock {
  text: string;
  tooltip?: string;
  name?: string;
  command?: string;
  backgroundColor?: ThemeColor;
  show: () => void;
  dispose: () => void;
}

/** A fake webview: records posted messages and lets tests deliver messages from the page. */
export class FakeWebview {
  options: unknown;
  html = '';
  cspSource = 'vscode-resource:';
  posted: unknown[] = [];
  private receiver = new EventEmitter<unknown>();
  onDidReceiveMessage = this.receiver.event;
  asWebviewUri(u: Uri): Uri { return Uri.file(`/webview${u.fsPath}`); }
  postMessage(m: unknown): Promise<boolean> {
    this.posted.push(m);
    return Promise.resolve(true);
  }
  /** The page posting `m` to the host. */
  send(m: unknown): void { this.receiver.fire(m); }
}

export const window = {
  showErrorMessage: vi.fn(async(..._args: unknown[]): Promise<string|undefined> => undefined),
  showWarningMessage: vi.fn(async(..._args: unknown[]): Promise<string|undefined> => undefined),
  showInformationMessage: vi.fn(async(..._args: unknown[]): Promise<string|undefined> => undefined),
  showQuickPick: vi.fn(async(..._args: unknown[]): Promise<unknown> => undefined),
  showInputBox: vi.fn(async(..._args: unknown[]): Promise<string|undefined> => undefined),
  showTextDocument: vi.fn(async(..._args: unknown[]): Promise<unknown> => ({})),
  setStatusBarMessage: vi.fn(() => ({dispose() {}})),
  createStatusBarItem: vi.fn((): StatusBarItemMock => ({text: '', show: vi.fn(), dispose: vi.fn()})),
  createWebviewPanel: vi.fn(),
  createOutputChannel: vi.fn((name: string) => ({
                               name,
                               append: vi.fn(),
                               appendLine: vi.fn(),
                               replace: vi.fn(),
                               clear: vi.fn(),
                               show: vi.fn(),
                               hide: vi.fn(),
                               dispose: vi.fn()
                             })),
  createTreeView: vi.fn((_id: string, _options: unknown) => ({
                          message: undefined as string | undefined,
                          description: undefined as string | undefined,
                          dispose: vi.fn()
                        })),
  registerWebviewViewProvider:
      vi.fn((_id: string, _provider: unknown, _options?: unknown) => ({dispose: vi.fn()})),
};

export const workspace = {
  workspaceFolders: undefined as {
    uri: Uri;
    name: string;
    index: number
  }[] |
      undefined,
  findFiles: vi.fn(async(..._args: unknown[]): Promise<Uri[]> => []),
  fs: {readFile: vi.fn(async(_u: Uri): Promise<Uint8Array> => new Uint8Array())},
  /** Values returned by getConfiguration('framealloc').get(key); tests assign them. */
  settings: {} as Record<string, unknown>,
  getConfiguration: vi.fn((_section?: string) => ({get: (key: string) => workspace.settings[key]})),
  onDidChangeConfiguration: vi.fn((_listener: unknown) => ({dispose: vi.fn()})),
};

export const commands = {
  executeCommand: vi.fn(async(..._args: unknown[]): Promise<unknown> => undefined),
  /** Handlers registered through registerCommand, by id. */
  registered: new Map<string, (...args: unknown[]) => unknown>(),
  registerCommand: vi.fn((id: string, handler: (...args: unknown[]) => unknown) => {
    if (commands.registered.has(id)) throw new Error(`command '${id}' already exists`);
    commands.registered.set(id, handler);
    return {dispose: () => commands.registered.delete(id)};
  }),
};

export function resetMock(): void {
  for (const group of [window, commands, workspace, workspace.fs]) {
    for (const value of Object.values(group)) (value as {mockClear?: () => void} | undefined)?.mockClear?.();
  }
  workspace.workspaceFolders = undefined;
  workspace.settings = {};
  commands.registered.clear();
}
