// Protocol end to end, as the extension drives fa-lsp: a vscode-jsonrpc client starts the real server
// with exactly the initializationOptions src/shared/settings.ts builds, opens a fixture with known
// FA601 mistakes, feeds snapshot files into the snapshot directory and checks the notifications, the
// history, and the diff (against the inspector's own diffFrames for the same two frames).
// usage: node test/e2e/lsp.e2e.mjs <fa-lsp> <compile_commands dir> <fixture.cpp> <snapshot example.json>
// <work dir>
import * as esbuild from 'esbuild';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {isDeepStrictEqual} from 'node:util';
import * as rpc from 'vscode-jsonrpc/node.js';

// Absolute paths: the server runs in the work directory, as VS Code runs it in the workspace folder.
const [faLsp, dbDir, fixture, example, work] = process.argv.slice(2).map((a) => path.resolve(a));
if (process.argv.length < 7) {
  console.error(
      'usage: node lsp.e2e.mjs <fa-lsp> <compile_commands dir> <fixture.cpp> <snapshot example.json> <work dir>');
  process.exit(2);
}
const fail = (msg) => {
  throw new Error(msg);
};
const check = (ok, msg) => {
  if (!ok) fail(msg);
};
const withTimeout = (p, ms, what) => Promise.race(
    [p, new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout waiting for ${what}`)), ms))]);

// The extension's own TypeScript modules, bundled on the fly so this test uses the shipped code.
async function load(entry) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const out = await esbuild.build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'error'
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}
const {readSettings, initializationOptions} = await load('src/shared/settings.ts');
const {diffFrames} = await load('src/shared/frameDiff.ts');

fs.rmSync(work, {recursive: true, force: true});
fs.mkdirSync(work, {recursive: true});
// The user's settings: a database directory and a workspace-relative snapshot directory.
const settings = readSettings(
    (key) => ({compileCommandsDir: dbDir, snapshotDir: 'target/framealloc', framesKept: 8})[key], work);
const init = initializationOptions(settings);
const snapDir = path.join(work, 'target', 'framealloc');
check(
    init.snapshotDir === snapDir && init.snapshotNotifications === true && init.snapshotRing === 8,
    `unexpected initializationOptions ${JSON.stringify(init)}`);
fs.mkdirSync(snapDir, {recursive: true});

const server = spawn(faLsp, [], {stdio: ['pipe', 'pipe', 'pipe'], cwd: work});
let stderr = '';
server.on('error', (e) => {
  console.error(`FAIL: cannot start ${faLsp}: ${e.message}`);
  process.exit(1);
});
server.stderr.on('data', (d) => {
  stderr += d;
});
const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));
const waiters = [];
const received = [];
conn.onNotification((method, params) => {
  received.push({method, params});
  for (const w of waiters.splice(0))
    if (!w(method, params)) waiters.push(w);
});
const next = (pred) =>
    new Promise((resolve) => waiters.push((m, p) => (pred(m, p) ? (resolve(p), true) : false)));
conn.listen();

try {
  const result = await withTimeout(
      conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(work).href,
        capabilities: {},
        initializationOptions: init,
      }),
      15000, 'initialize');
  check(
      result.capabilities.executeCommandProvider?.commands?.includes('framealloc.analyzeWorkspace'),
      'the server does not offer framealloc.analyzeWorkspace');
  conn.sendNotification('initialized', {});

  // 1. Diagnostics: every line the fixture marks "expect: FA601", each linking to its code page.
  const text = fs.readFileSync(fixture, 'utf8');
  const expected = text.split('\n').flatMap((l, i) => (/expect: FA601/.test(l) ? [i] : []));
  check(expected.length >= 3, 'the fixture has no FA601 markers');
  const uri = pathToFileURL(fixture).href;
  const published = next((m, p) => m === 'textDocument/publishDiagnostics' && p.uri === uri);
  conn.sendNotification('textDocument/didOpen', {textDocument: {uri, languageId: 'cpp', version: 1, text}});
  const diags = (await withTimeout(published, 180000, 'diagnostics')).diagnostics;
  const fa601 = diags.filter((d) => d.code === 'FA601');
  const lines = [...new Set(fa601.map((d) => d.range.start.line))].sort((a, b) => a - b);
  check(
      JSON.stringify(lines) === JSON.stringify(expected),
      `FA601 on lines ${lines.map((l) => l + 1)}, expected ${expected.map((l) => l + 1)}`);
  check(
      fa601.every((d) => d.source === 'fa-check' && d.codeDescription?.href?.endsWith('/FA601.md')),
      'an FA601 lacks its source or code page link');
  console.log(`diagnostics: FA601 on lines ${lines.map((l) => l + 1).join(', ')}`);

  // 2. Snapshot files written the way SnapshotEmitter does (temp file + rename) become notifications.
  const base = JSON.parse(fs.readFileSync(example, 'utf8'));
  const frames = [];
  for (let i = 0; i < 3; ++i) {
    const s = structuredClone(base);
    s.frame = 100 + i;
    s.summary.total_bytes += i * 4096;
    s.summary.frame_bytes += i * 4096;
    s.tags.find((t) => t.path === 'ai::pathfinding').frame.bytes += i * 4096;
    s.sites[0].bytes += i * 4096;
    frames.push(s);
    const name = `snapshot_${String(s.frame).padStart(16, '0')}.json`;
    const notified = next((m, p) => m === 'framealloc/snapshot' && p.snapshot?.frame === s.frame);
    fs.writeFileSync(path.join(snapDir, `.${name}.tmp`), JSON.stringify(s));
    fs.renameSync(path.join(snapDir, `.${name}.tmp`), path.join(snapDir, name));
    const n = await withTimeout(notified, 10000, `framealloc/snapshot for frame ${s.frame}`);
    check(isDeepStrictEqual(n.snapshot, s), `frame ${s.frame} arrived changed`);
    if (i === 0)
      check(n.delta === null, 'the first frame has a delta');
    else
      check(
          n.delta.summary.total_bytes === 4096,
          `frame ${s.frame}: delta ${JSON.stringify(n.delta?.summary)}`);
  }
  console.log(
      `snapshots: ${received.filter((r) => r.method === 'framealloc/snapshot').length} notifications`);

  // 3. History and diff: numbers match what was written, and the inspector's local diff agrees.
  const history = await conn.sendRequest('framealloc/history', {});
  check(
      history.frames.map((f) => f.frame).join() === '100,101,102',
      `history ${history.frames.map((f) => f.frame)}`);
  const latest = await conn.sendRequest('framealloc/latest');
  check(latest?.frame === 102, 'latest is not frame 102');
  const diff = await conn.sendRequest('framealloc/diff', {a: 100, b: 102});
  check(
      diff.summary.total_bytes === 8192 && diff.summary.frame_bytes === 8192 && diff.summary.heap_bytes === 0,
      `diff summary ${JSON.stringify(diff.summary)}`);
  check(
      diff.tags['ai::pathfinding'].frame.bytes === 8192 && diff.tags.ai.frame.bytes === 0,
      `diff tags ${JSON.stringify(diff.tags)}`);
  const siteKey = `${base.sites[0].file}:${base.sites[0].line}:${base.sites[0].kind}`;
  check(diff.sites[siteKey]?.bytes === 8192, `diff site ${siteKey}: ${JSON.stringify(diff.sites[siteKey])}`);
  const local = diffFrames(frames[0], frames[2]);
  check(
      local.summary.total_bytes.delta === diff.summary.total_bytes, 'local and server summary deltas differ');
  check(local.tags.find((t) => t.path === 'ai::pathfinding')?.delta === 8192, 'local tag delta differs');
  check(
      local.tags.find((t) => t.path === 'ai')?.delta === 8192, 'local inclusive delta of the parent differs');
  console.log(`diff 100→102: total +${diff.summary.total_bytes}, ai::pathfinding frame +${
      diff.tags['ai::pathfinding'].frame.bytes}`);

  // 4. A frame the server does not hold is an error, not an empty diff.
  const missing = await conn.sendRequest('framealloc/diff', {a: 1, b: 102}).then(() => null, (e) => e);
  check(missing?.code === -32602, `diff with an unknown frame answered ${JSON.stringify(missing)}`);

  // 5. The "request snapshot" command creates the request file the runtime serves.
  const request = await conn.sendRequest('framealloc/requestSnapshot');
  check(
      fs.existsSync(request.requestFile) && path.dirname(request.requestFile) === snapDir,
      `request ${JSON.stringify(request)}`);

  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  const code = await withTimeout(exited, 5000, 'exit');
  check(code === 0, `exit code ${code}`);
  console.log('extension e2e ok');
  process.exit(0);
} catch (e) {
  console.error(stderr.split('\n').slice(-30).join('\n'));
  console.error(`FAIL: ${e.message}`);
  server.kill();
  process.exit(1);
}
