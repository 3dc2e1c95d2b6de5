// Loads a bundled extension.js outside VS Code with a permissive stand-in for the `vscode` module,
// to prove the bundle is self-contained (no missing require, no load-time crash) and exports the
// entry points VS Code calls.  usage: node load-bundle.js <extension.js>   (CommonJS, like the bundle)
const Module = require('node:module');
const path = require('node:path');

// Every property is another stand-in, callable and constructible, so load-time code such as
// `class X extends vscode.Disposable` or `vscode.window.createOutputChannel` does not throw.
const stub = () => new Proxy(function() {}, {
  get: (_target, key) =>
      (key === Symbol.toPrimitive ? () => '' :
           key === 'then'         ? undefined :
                                    stub()),
  construct: () => stub(),
  apply: () => stub(),
});
const resolve = Module._resolveFilename;
Module._resolveFilename = function(request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = {
  id: 'vscode',
  filename: 'vscode',
  loaded: true,
  exports: stub()
};

const ext = require(path.resolve(process.argv[2]));
for (const name of ['activate', 'deactivate']) {
  if (typeof ext[name] !== 'function') {
    console.error(`FAIL: the bundle does not export ${name}()`);
    process.exit(1);
  }
}
console.log('bundle loads: activate() and deactivate() exported');
