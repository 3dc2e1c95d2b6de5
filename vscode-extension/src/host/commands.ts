// The palette commands that are not plain view toggles: compare two frames, explain an FA code,
// analyze the workspace, request a snapshot. Each reports why it cannot run instead of failing silently.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

import {formatBytes} from '../shared/format';

import type {Snapshot} from '../shared/protocol';

/** A JSON-RPC sender: the running language client, or undefined while fa-lsp is not running. */
export type Sender = () => {
  sendRequest<R>(method: string, params?: unknown): Promise<R>
}|undefined;

export const CODE_PATTERN = /^FA\d{3}$/;

/** Normalizes user input ("fa601 " → "FA601"); undefined when it is not an FA code. */
export function parseCode(input: string): string|undefined {
  const code = input.trim().toUpperCase();
  return CODE_PATTERN.test(code) ? code : undefined;
}

/**
 * Where the page for `code` may live: each workspace's docs/codes, then the copy bundled in the extension.
 */
export function codePageCandidates(code: string, workspaceRoots: string[], extensionRoot: string): string[] {
  return [
    ...workspaceRoots.map((r) => path.join(r, 'docs', 'codes', `${code}.md`)),
    path.join(extensionRoot, 'dist', 'codes', `${code}.md`)
  ];
}

export async function explainCode(extensionRoot: string, preset?: string): Promise<string|undefined> {
  const input = preset ?? await vscode.window.showInputBox({
    title: 'Explain an FA code',
    prompt: 'Diagnostic code, for example FA601',
    validateInput: (v) => (parseCode(v) ? undefined : 'Expected FA followed by three digits, e.g. FA601'),
  });
  if (input === undefined) return undefined;
  const code = parseCode(input);
  if (!code) {
    void vscode.window.showErrorMessage(`framealloc: "${input}" is not an FA code (expected e.g. FA601)`);
    return undefined;
  }
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const page = codePageCandidates(code, roots, extensionRoot).find((p) => fs.existsSync(p));
  if (!page) {
    void vscode.window.showErrorMessage(
        `framealloc: no page for ${code} (looked in docs/codes of the workspace and the extension)`);
    return undefined;
  }
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(page));
  return page;
}

export interface FramePick extends vscode.QuickPickItem {
  frame: number
}

/** Quick pick items for the kept frames, newest first. */
export function frameItems(frames: Snapshot[], exclude?: number): FramePick[] {
  return frames.filter((s) => s.frame !== exclude)
      .reverse()
      .map((s) => ({
             label: `frame ${s.frame}`,
             description: `${formatBytes(s.summary.total_bytes)} total`,
             detail: `${s.timestamp} · ${s.summary.allocations} allocations`,
             frame: s.frame,
           }));
}

/** Asks for frames A and B among those kept; undefined when cancelled or fewer than two frames exist. */
export async function pickFramesToCompare(frames: Snapshot[]): Promise<{a: number; b: number}|undefined> {
  if (frames.length < 2) {
    void vscode.window.showInformationMessage(
        `framealloc: comparing needs two frames; ${frames.length} kept so far`);
    return undefined;
  }
  const a =
      await vscode.window.showQuickPick(frameItems(frames), {title: 'Compare frames: frame A (before)'});
  if (!a) return undefined;
  const b = await vscode.window.showQuickPick(
      frameItems(frames, a.frame), {title: `Compare frames: frame B (compared with ${a.frame})`});
  if (!b) return undefined;
  return {a: a.frame, b: b.frame};
}

function notRunning(what: string): undefined {
  void vscode.window.showErrorMessage(`framealloc: cannot ${
      what}: fa-lsp is not running (see the framealloc output, or run "framealloc: Restart Server")`);
  return undefined;
}

export async function analyzeWorkspace(send: Sender): Promise<unknown> {
  const client = send();
  if (!client) return notRunning('analyze the workspace');
  try {
    return await client.sendRequest(
        'workspace/executeCommand', {command: 'framealloc.analyzeWorkspace', arguments: []});
  } catch (e) {
    void vscode.window.showErrorMessage(`framealloc: workspace analysis failed: ${(e as Error).message}`);
    return undefined;
  }
}

export async function requestSnapshot(send: Sender): Promise<string|undefined> {
  const client = send();
  if (!client) return notRunning('request a snapshot');
  try {
    const r = await client.sendRequest<{requestFile?: string}>('framealloc/requestSnapshot');
    void vscode.window.setStatusBarMessage(
        `framealloc: snapshot requested (${r?.requestFile ?? 'request file written'})`, 4000);
    return r?.requestFile;
  } catch (e) {
    void vscode.window.showErrorMessage(`framealloc: snapshot request failed: ${(e as Error).message}`);
    return undefined;
  }
}
