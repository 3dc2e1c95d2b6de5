// The extension's settings (package.json `contributes.configuration`) turned into fa-lsp's
// initializationOptions (docs/lsp.md). Pure functions: the host passes a getter over
// `workspace.getConfiguration('framealloc')` and the first workspace folder, the tests pass objects.
import path from 'node:path';

export type TraceLevel = 'off'|'messages'|'verbose';

export interface ExtensionSettings {
  serverPath: string;
  compileCommandsDir?: string;  // absolute when a workspace folder is known
  snapshotDir?: string;
  framesKept: number;
  trace: TraceLevel;
}

/** What fa-lsp receives in `initialize` (docs/lsp.md, "Settings"). */
export interface InitializationOptions {
  compileCommandsDir?: string;
  snapshotDir?: string;
  snapshotNotifications: true;
  snapshotRing: number;
}

/** A setting has a value of the wrong type or range; the message names the setting and the value. */
export class SettingsError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`framealloc.${setting}: ${message}`);
    this.name = 'SettingsError';
  }
}

export const DEFAULT_SERVER = 'fa-lsp';
export const DEFAULT_FRAMES_KEPT = 600;
export const MAX_FRAMES_KEPT = 100000;

const shown = (value: unknown) => JSON.stringify(value) ?? String(value);

function optionalString(get: (key: string) => unknown, key: string): string|undefined {
  const value = get(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SettingsError(key, `expected a string, got ${shown(value)}`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** `${workspaceFolder}` is substituted; a relative path is taken relative to the workspace folder. */
export function resolveAgainst(value: string, workspaceRoot: string|undefined): string {
  const substituted = workspaceRoot ? value.split('${workspaceFolder}').join(workspaceRoot) : value;
  if (path.isAbsolute(substituted) || !workspaceRoot) return substituted;
  return path.resolve(workspaceRoot, substituted);
}

export function readSettings(get: (key: string) => unknown, workspaceRoot?: string): ExtensionSettings {
  const serverPath = optionalString(get, 'server.path') ?? DEFAULT_SERVER;

  const dbDir = optionalString(get, 'compileCommandsDir');
  const snapshotDir = optionalString(get, 'snapshotDir');

  const kept = get('framesKept') ?? DEFAULT_FRAMES_KEPT;
  if (typeof kept !== 'number' || !Number.isInteger(kept) || kept < 1 || kept > MAX_FRAMES_KEPT) {
    throw new SettingsError(
        'framesKept', `expected an integer from 1 to ${MAX_FRAMES_KEPT}, got ${shown(kept)}`);
  }

  const trace = get('trace.server') ?? 'off';
  if (trace !== 'off' && trace !== 'messages' && trace !== 'verbose') {
    throw new SettingsError('trace.server', `expected "off", "messages" or "verbose", got ${shown(trace)}`);
  }

  return {
    serverPath,
    compileCommandsDir: dbDir === undefined ? undefined : resolveAgainst(dbDir, workspaceRoot),
    snapshotDir: snapshotDir === undefined ? undefined : resolveAgainst(snapshotDir, workspaceRoot),
    framesKept: kept,
    trace,
  };
}

export function initializationOptions(s: ExtensionSettings): InitializationOptions {
  const options: InitializationOptions = {snapshotNotifications: true, snapshotRing: s.framesKept};
  // Unset directories are left out so the server applies its own defaults (database search,
  // target/framealloc).
  if (s.compileCommandsDir !== undefined) options.compileCommandsDir = s.compileCommandsDir;
  if (s.snapshotDir !== undefined) options.snapshotDir = s.snapshotDir;
  return options;
}

export type ServerLocation = {
  ok: true; path: string
}|{
  ok: false;
  tried: string[]
};

/**
 * Finds the fa-lsp executable: a bare name is looked up on PATH and then in the workspace's dev build
 * (build/dev/lsp/fa-lsp); a path is taken as is (relative to the workspace folder).
 */
export function locateServer(
    setting: string, workspaceRoot: string|undefined, pathEnv: string,
    isExecutable: (file: string) => boolean): ServerLocation {
  const tried: string[] = [];
  const check = (candidate: string) => {
    tried.push(candidate);
    return isExecutable(candidate);
  };
  const bare = !setting.includes('/') && !setting.includes('\\') && !setting.includes('${');
  if (!bare) {
    const file = resolveAgainst(setting, workspaceRoot);
    return check(file) ? {ok: true, path: file} : {ok: false, tried};
  }
  for (const dir of pathEnv.split(path.delimiter).filter((d) => d !== '')) {
    const file = path.join(dir, setting);
    if (check(file)) return {ok: true, path: file};
  }
  if (workspaceRoot) {
    const file = path.join(workspaceRoot, 'build', 'dev', 'lsp', setting);
    if (check(file)) return {ok: true, path: file};
  }
  return {ok: false, tried};
}

/** The error shown when fa-lsp cannot be found: names the setting and the build command. */
export function missingServerMessage(setting: string, tried: string[]): string {
  const where =
      tried.length > 0 ? ` (looked for ${tried.slice(-3).join(', ')}${tried.length > 3 ? ', ...' : ''})` : '';
  return `framealloc: the language server "${setting}" was not found${where}. Build it with ` +
      '`cmake --build build/dev --target fa-lsp` or set "framealloc.server.path" to the fa-lsp executable.';
}
