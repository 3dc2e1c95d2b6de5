// The unit tests' `vscode` stand-in plus what the real vscode-languageclient touches while it starts,
// synchronizes documents and converts diagnostics. Diagnostic collections record what was set so the
// integration test can read the Problems panel's content.
import {vi} from 'vitest';

import {EventEmitter, Range, Uri, window, workspace} from '../unit/vscode-mock';

export * from '../unit/vscode-mock';

export const version = '1.82.0';
export const env = {
  language: 'en',
  appName: 'framealloc-test',
  openExternal: vi.fn()
};
export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15
}
export class Location {
  constructor(public uri: Uri, public range: Range) {}
}
export class DiagnosticRelatedInformation {
  constructor(public location: Location, public message: string) {}
}
export class Diagnostic {
  code?: string|number|{
    value: string|number;
    target: Uri
  };
  source?: string;
  relatedInformation?: DiagnosticRelatedInformation[];
  tags?: number[];
  constructor(public range: Range, public message: string, public severity = DiagnosticSeverity.Error) {}
}
export class Disposable {
  constructor(private readonly callOnDispose: () => unknown) {}
  static from(...items: {dispose(): unknown}[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void { this.callOnDispose(); }
}
export class CancellationError extends Error {}
export class CancellationTokenSource {
  private emitter = new EventEmitter<void>();
  token = {isCancellationRequested: false, onCancellationRequested: this.emitter.event};
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {}
}
export class TabInputText {
  constructor(public uri: Uri) {}
}
export class TabInputTextDiff {
  constructor(public original: Uri, public modified: Uri) {}
}
export class TabInputCustom {
  constructor(public uri: Uri, public viewType: string) {}
}
export class MarkdownString {
  constructor(public value = '') {}
}

const event = () => new EventEmitter<unknown>().event;
const disposable = () => ({dispose() {}});

/** uri → diagnostics, as the Problems panel would show them. */
export const problems = new Map<string, Diagnostic[]>();

const languageFunctions = {
  match: (selector: {language?: string; scheme?: string}[]|string, doc: {languageId: string; uri: Uri}) =>
      (Array.isArray(selector) ? selector : [{language: selector}])
          .some(
              (f) => (!f.language || f.language === doc.languageId) &&
                  (!f.scheme || f.scheme === doc.uri.scheme)) ?
      10 :
      0,
  createDiagnosticCollection: (name?: string) => ({
    name,
    set: (uri: Uri, diagnostics: Diagnostic[]|undefined) => problems.set(uri.toString(), diagnostics ?? []),
    delete: (uri: Uri) => problems.delete(uri.toString()),
    clear: () => problems.clear(),
    forEach: () => undefined,
    get: (uri: Uri) => problems.get(uri.toString()),
    has: (uri: Uri) => problems.has(uri.toString()),
    dispose: () => undefined,
  }),
};
// Plus every register*Provider the client may call once the server's capabilities arrive.
export const languages = new Proxy(languageFunctions as Record<string, unknown>, {
  get: (target, key: string) =>
      (key in target                  ? target[key] :
           key.startsWith('register') ? () => disposable() :
                                        undefined),
});

(Uri as unknown as {parse(s: string): Uri}).parse = (s: string) => {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(s);
  if (!m) throw new Error(`Uri.parse: not a URI: ${s}`);
  return m[1] === 'file' ? Uri.file(decodeURIComponent(m[2])) : Object.assign(Uri.file(m[2]), {scheme: m[1]});
};

Object.assign(workspace, {
  textDocuments: [] as unknown[],
  onDidOpenTextDocument: event(),
  onDidCloseTextDocument: event(),
  onDidChangeTextDocument: event(),
  onDidSaveTextDocument: event(),
  onWillSaveTextDocument: event(),
  onDidChangeWorkspaceFolders: event(),
  createFileSystemWatcher: () =>
      ({onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {}}),
  applyEdit: vi.fn(async () => true),
  // The extension's own section reads workspace.settings (set by tests); everything else its defaults.
  getConfiguration: (section?: string) => ({
    get: <T>(key: string, fallback?: T) =>
        section === 'framealloc' && key in workspace.settings ? workspace.settings[key] as T : fallback,
  }),
});
Object.assign(window, {
  activeTextEditor: undefined,
  visibleTextEditors: [],
  onDidChangeActiveTextEditor: event(),
  onDidChangeVisibleTextEditors: event(),
  tabGroups: {all: [], onDidChangeTabs: event(), onDidChangeTabGroups: event()},
  withProgress:
      vi.fn(async (_o: unknown, task: (p: unknown, t: unknown) => unknown) => task({report() {}}, {})),
});

// Classes the client subclasses at load time; only constructed for features fa-lsp does not use here.
export class CallHierarchyItem {}
export class CodeLens {
  constructor(public range: Range, public command?: unknown) {}
}
export class CompletionItem {
  constructor(public label: string) {}
}
export class DocumentLink {
  constructor(public range: Range, public target?: Uri) {}
}
export class InlayHint {
  constructor(public position: unknown, public label: unknown) {}
}
export class SymbolInformation {}
export class TypeHierarchyItem {}
export class CodeAction {
  constructor(public title: string, public kind?: unknown) {}
}
export enum DiagnosticTag {
  Unnecessary = 1,
  Deprecated = 2
}
export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly RefactorExtract = new CodeActionKind('refactor.extract');
  static readonly RefactorInline = new CodeActionKind('refactor.inline');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  constructor(public readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
}
