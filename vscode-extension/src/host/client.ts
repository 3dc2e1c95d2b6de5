// Starts fa-lsp as a stdio language client. Diagnostics (with codeDescription links), hover, quick
// fixes and code lenses come through vscode-languageclient unchanged; the custom framealloc/*
// messages (docs/lsp.md) are forwarded to the live feed and the commands.
import fs from 'node:fs';
import * as vscode from 'vscode';
import {LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind} from 'vscode-languageclient/node';
import type {Snapshot} from '../shared/protocol';
import {type ExtensionSettings, initializationOptions, locateServer, missingServerMessage} from '../shared/settings';

export const OPEN_SETTINGS = 'Open Settings';

/** Shows the "fa-lsp not found" error; "Open Settings" jumps to framealloc.server.path. */
export async function reportMissingServer(setting: string, tried: string[]): Promise<string> {
  const text = missingServerMessage(setting, tried);
  const choice = await vscode.window.showErrorMessage(text, OPEN_SETTINGS);
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'framealloc.server.path');
  }
  return text;
}

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

export interface ClientHooks {
  onSnapshot(params: unknown): void;
  output: vscode.OutputChannel;
}

/** A started client, or undefined when the server binary is missing (the user has been told). */
export async function startClient(
    settings: ExtensionSettings, workspaceRoot: string|undefined,
    hooks: ClientHooks): Promise<LanguageClient|undefined> {
  const located = locateServer(settings.serverPath, workspaceRoot, process.env.PATH ?? '', isExecutable);
  if (!located.ok) {
    hooks.output.appendLine(missingServerMessage(settings.serverPath, located.tried));
    void reportMissingServer(settings.serverPath, located.tried);
    return undefined;
  }
  hooks.output.appendLine(`starting ${located.path}`);
  const serverOptions: ServerOptions = {
    command: located.path,
    transport: TransportKind.stdio,
    options: workspaceRoot ? {cwd: workspaceRoot} : undefined,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{scheme: 'file', language: 'cpp'}, {scheme: 'file', language: 'c'}],
    initializationOptions: initializationOptions(settings),
    outputChannel: hooks.output,
  };
  // The id 'framealloc' makes the client read framealloc.trace.server itself.
  const client = new LanguageClient('framealloc', 'framealloc (fa-lsp)', serverOptions, clientOptions);
  // framealloc.analyzeWorkspace is our own command (it must exist before the server runs, to say why
  // it cannot work); the client would otherwise register the server's command of the same name and fail.
  const executeCommand =
      client.getFeature('workspace/executeCommand') as unknown as {register(data: unknown): void};
  executeCommand.register = () => undefined;
  client.onNotification('framealloc/snapshot', (params: unknown) => hooks.onSnapshot(params));
  await client.start();
  return client;
}

/** framealloc/history: the frames the server holds (used to fill the view after a (re)start). */
export async function fetchHistory(client: LanguageClient): Promise<Snapshot[]> {
  const result = await client.sendRequest<{frames?: Snapshot[]}>('framealloc/history', {});
  return Array.isArray(result?.frames) ? result.frames : [];
}
