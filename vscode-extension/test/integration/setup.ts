// vscode-languageclient is CommonJS and calls require('vscode') natively, which vitest's alias does not
// reach: point Node's resolver at the same stand-in module instance the test imports.
import Module from 'node:module';

import * as host from './vscode-host';

const moduleWithResolver =
    Module as unknown as {_resolveFilename(request: string, ...rest: unknown[]): string};
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function(this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
const cache = (Module as unknown as {_cache: Record<string, unknown>})._cache;
cache.vscode = {
  id: 'vscode',
  filename: 'vscode',
  loaded: true,
  exports: host
};
