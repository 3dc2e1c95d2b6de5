// "Go to source" for the inspector and the Tags view: allocation sites name files the way the
// compiler's __FILE__ spelled them (absolute on the build machine, or relative to the build
// directory), tags are found by the string literal that pushes them.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

/**
 * The workspace file a snapshot's `file` means: as is when absolute and present, else joined to each
 * workspace folder, else its trailing path components (a/b/c.cpp, b/c.cpp, c.cpp... down to two) under
 * each folder. Returns undefined when nothing matches.
 */
export function resolveSourceFile(file: string, roots: string[], exists: (p: string) => boolean): string|
    undefined {
  const normalized = file.replace(/\\/g, '/');
  if (path.isAbsolute(normalized) && exists(normalized)) return normalized;
  const parts = normalized.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    for (const root of roots) {
      const candidate = path.resolve(root, normalized);
      if (candidate.startsWith(root + path.sep) && exists(candidate)) return candidate;
    }
    return undefined;
  }
  const minimum = Math.min(parts.length, 2);
  for (let skip = 0; parts.length - skip >= Math.max(minimum, 1); ++skip) {
    for (const root of roots) {
      const candidate = path.join(root, ...parts.slice(skip));
      if (exists(candidate)) return candidate;
    }
  }
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The first `with_tag("...")`, `push_tag("...")` or `TagScope name("...")` in `text` whose literal is
 * `literal`; returns the 0-based line and column of the literal.
 */
export function findTagLiteral(text: string, literal: string): {line: number; character: number}|undefined {
  const re =
      new RegExp(`\\b(?:with_tag|push_tag|TagScope)\\b[^"\\n;]{0,80}"(${escapeRegExp(literal)})"`, 'g');
  const m = re.exec(text);
  if (!m) return undefined;
  const offset = m.index + m[0].length - literal.length - 1;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return {line, character: offset - (before.lastIndexOf('\n') + 1)};
}

/**
 * Tags nest (with_tag("ai") { with_tag("pathfinding") } is ai::pathfinding): full path first, then the last
 * segment.
 */
export function tagLiterals(tagPath: string): string[] {
  const last = tagPath.split('::').pop() ?? tagPath;
  return last !== tagPath && last !== '' ? [tagPath, last] : [tagPath];
}

export async function openSource(file: string, line: number): Promise<boolean> {
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const resolved =
      resolveSourceFile(file, roots, (p) => fs.statSync(p, {throwIfNoEntry: false})?.isFile() ?? false);
  if (!resolved) {
    void vscode.window.showWarningMessage(`framealloc: ${file} is not in the workspace`);
    return false;
  }
  const position = new vscode.Position(Math.max(line - 1, 0), 0);
  await vscode.window.showTextDocument(
      vscode.Uri.file(resolved), {selection: new vscode.Range(position, position)});
  return true;
}

export const CXX_GLOB = '**/*.{cpp,cc,cxx,c++,h,hh,hpp,hxx,ipp,inl}';
const EXCLUDE_GLOB = '**/{build,node_modules,.git,target}/**';

export async function revealTag(tagPath: string): Promise<boolean> {
  const files = await vscode.workspace.findFiles(CXX_GLOB, EXCLUDE_GLOB, 5000);
  files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  const literals = tagLiterals(tagPath);
  let fallback: {uri: vscode.Uri; at: {line: number; character: number}}|undefined;
  for (const uri of files) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const exact = findTagLiteral(text, literals[0]);
    if (exact) return show(uri, exact);
    if (!fallback && literals.length > 1) {
      const at = findTagLiteral(text, literals[1]);
      if (at) fallback = {uri, at};
    }
  }
  if (fallback) return show(fallback.uri, fallback.at);
  void vscode.window.showInformationMessage(
      `framealloc: no with_tag/push_tag/TagScope names "${tagPath}" in the workspace`);
  return false;
}

async function show(uri: vscode.Uri, at: {line: number; character: number}): Promise<boolean> {
  const position = new vscode.Position(at.line, at.character);
  await vscode.window.showTextDocument(uri, {selection: new vscode.Range(position, position)});
  return true;
}
