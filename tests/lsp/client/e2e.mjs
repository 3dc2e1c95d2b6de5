// End-to-end: the real fa-lsp under a real LSP client library (vscode-jsonrpc over stdio).
// usage: node e2e.mjs <fa-lsp> <fa-check> <compile_commands dir> <fixture with FA601 at line 15> <snapshot example> <work dir>
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as rpc from 'vscode-jsonrpc/node.js';

const [faLsp, faCheck, dbDir, fixture, example, work] = process.argv.slice(2);
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout waiting for ${what}`)), ms))]);

fs.rmSync(work, { recursive: true, force: true });
const snapDir = path.join(work, 'target', 'framealloc');
fs.mkdirSync(snapDir, { recursive: true });

const server = spawn(faLsp, [], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (d) => { stderr += d; });
const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));

const waiters = [];
const onMessage = (method, params) => {
  for (const w of waiters.splice(0)) if (!w(method, params)) waiters.push(w);
};
conn.onNotification((method, params) => onMessage(method, params));
conn.onUnhandledProgress((params) => onMessage('$/progress', params));
conn.onRequest('window/workDoneProgress/create', () => null);
const next = (pred) => new Promise((resolve) => waiters.push((m, p) => (pred(m, p) ? (resolve(p), true) : false)));
conn.listen();

const uri = pathToFileURL(fixture).href;
try {
  const init = await withTimeout(conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(work).href,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions: { compileCommandsDir: dbDir, debounceMs: 0, snapshotNotifications: true },
  }), 10000, 'initialize');
  if (init.capabilities.experimental?.framealloc?.snapshotNotification !== 'framealloc/snapshot') fail('no experimental capability');
  conn.sendNotification('initialized', {});

  // 1. Diagnostics for a file with a known FA601.
  const text = fs.readFileSync(fixture, 'utf8');
  let published = next((m, p) => m === 'textDocument/publishDiagnostics' && p.uri === uri);
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cpp', version: 1, text } });
  let diags = (await withTimeout(published, 120000, 'diagnostics after didOpen')).diagnostics;
  const fa601 = diags.find((d) => d.code === 'FA601' && d.range.start.line === 14);
  if (!fa601) fail(`no FA601 at line 15: ${JSON.stringify(diags)}`);
  if (fa601.source !== 'fa-check') fail('wrong source');
  if (!fa601.codeDescription?.href?.endsWith('/FA601.md')) fail('no codeDescription');
  if (!fa601.relatedInformation?.some((r) => /frame ends/.test(r.message))) fail(`no related info: ${JSON.stringify(fa601)}`);
  console.log(`diagnostics: ${diags.length}, FA601 at 15:${fa601.range.start.character + 1}`);

  // didSave -> publishDiagnostics latency, next to fa-check on the same file: interleaved pairs so
  // both see the same machine load (FA_LSP_E2E_SAMPLES pairs, default 7).
  const samples = Number(process.env.FA_LSP_E2E_SAMPLES ?? 7);
  const saves = [];
  const cli = [];
  const load0 = os.loadavg()[0];
  for (let i = 0; i < samples; ++i) {
    published = next((m, p) => m === 'textDocument/publishDiagnostics' && p.uri === uri);
    let t0 = performance.now();
    conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await withTimeout(published, 120000, 'diagnostics after didSave');
    saves.push(performance.now() - t0);
    t0 = performance.now();
    const r = spawnSync(faCheck, ['-p', dbDir, '--format', 'compact', fixture]);
    cli.push(performance.now() - t0);
    if (!/FA601/.test(r.stdout)) fail('fa-check did not report FA601');
  }
  const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const diffs = saves.map((s, i) => s - cli[i]);
  console.log(`samples: save ${saves.map((x) => x.toFixed(0))} cli ${cli.map((x) => x.toFixed(0))}`);
  console.log(`measure: didSave->publishDiagnostics median ${median(saves).toFixed(0)} ms; fa-check CLI median ${median(cli).toFixed(0)} ms; ` +
    `overhead ${(median(saves) - median(cli)).toFixed(0)} ms (median of paired differences ${median(diffs).toFixed(0)} ms); ` +
    `n=${samples}; load average ${load0.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)}`);
  const timings = stderr.match(/analysed \S+ in \d+ ms \(fa-check \d+ ms\)/g) ?? [];
  console.log(`server timing (last ${Math.min(3, timings.length)}): ${timings.slice(-3).join('; ')}`);

  // Workspace-wide analysis with progress: every TU of the database, diagnostics for each.
  const ended = next((m, p) => m === '$/progress' && p.value.kind === 'end');
  const cleanPublished = next((m, p) => m === 'textDocument/publishDiagnostics' && p.uri.endsWith('/clean.cpp'));
  const result = await withTimeout(conn.sendRequest('workspace/executeCommand', { command: 'framealloc.analyzeWorkspace' }),
    120000, 'workspace analysis');
  if (!result.progressToken || result.files !== 2) fail(`workspace result ${JSON.stringify(result)}`);
  const end = await withTimeout(ended, 1000, 'workspace progress end');
  if (!/finding\(s\), 0 tool error\(s\) in 2 file\(s\)/.test(end.value.message)) fail(`workspace: ${end.value.message}`);
  if ((await withTimeout(cleanPublished, 1000, 'clean.cpp diagnostics')).diagnostics.length !== 0) fail('clean.cpp not clean');
  console.log(`workspace: ${end.value.message}`);

  // $/cancelRequest while the workspace analysis runs: -32800 promptly, and its processes are gone.
  const children = () => (spawnSync('ps', ['--ppid', String(server.pid), '-o', 'pid=']).stdout.toString().trim());
  const source = new rpc.CancellationTokenSource();
  const cancelled = conn.sendRequest('workspace/executeCommand', { command: 'framealloc.analyzeWorkspace' }, source.token)
    .then(() => 'answered', (e) => e.code);
  const t0 = performance.now();
  while (!children() && performance.now() - t0 < 30000) await new Promise((r) => setTimeout(r, 10));
  if (!children()) fail('the workspace analysis started no child process');
  const tc = performance.now();
  source.cancel();
  const cancelCode = await withTimeout(cancelled, 2000, 'the -32800 answer');
  const answered = performance.now() - tc;
  if (cancelCode !== -32800) fail(`cancelled request answered ${cancelCode}`);
  while (children() && performance.now() - tc < 5000) await new Promise((r) => setTimeout(r, 10));
  if (children()) fail(`analysis processes still running after cancel: ${children()}`);
  console.log(`measure: cancel -> -32800 in ${answered.toFixed(0)} ms, analysis processes gone after ${(performance.now() - tc).toFixed(0)} ms`);

  // 2. Hover and code action on the diagnostic.
  const hover = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: fa601.range.start });
  if (!/use-after-end-frame/.test(hover?.contents?.value ?? '')) fail('hover lacks the catalog text');
  const actions = await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: fa601.range, context: { diagnostics: [fa601] } });
  if (!actions[0]?.edit?.changes?.[uri]?.[0]?.newText?.includes('fa-check: allow(FA601)')) fail('no suppression action');

  // 3. Live snapshots: an atomically written file becomes a notification.
  const snapshot = JSON.parse(fs.readFileSync(example, 'utf8'));
  const lat = [];
  for (let frame = 1; frame <= 5; ++frame) {
    snapshot.frame = frame;
    snapshot.summary.pool_bytes = frame * 1000;
    const name = `snapshot_${String(frame).padStart(16, '0')}.json`;
    const notified = next((m, p) => m === 'framealloc/snapshot' && p.snapshot.frame === frame);
    fs.writeFileSync(path.join(snapDir, `.${name}.tmp`), JSON.stringify(snapshot));
    const t0 = performance.now();
    fs.renameSync(path.join(snapDir, `.${name}.tmp`), path.join(snapDir, name));
    const p = await withTimeout(notified, 5000, `snapshot notification for frame ${frame}`);
    lat.push(performance.now() - t0);
    if (frame > 1 && p.delta.summary.pool_bytes !== 1000) fail(`bad delta ${JSON.stringify(p.delta)}`);
  }
  fs.writeFileSync(path.join(snapDir, 'snapshot_0000000000000099.json'), '{"version": 1, "fra');  // partial: skipped
  const hist = await conn.sendRequest('framealloc/history', { from: 2, to: 4 });
  if (hist.frames.length !== 3) fail(`history returned ${hist.frames.length} frames`);
  const diff = await conn.sendRequest('framealloc/diff', { a: 1, b: 5 });
  if (diff.summary.pool_bytes !== 4000) fail('bad diff');
  console.log(`measure: snapshot rename->notification median ${median(lat).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms`);
  await new Promise((r) => setTimeout(r, 200));
  if (!/skipping snapshot .*0099\.json/.test(stderr)) fail('the partial snapshot was not logged');

  // 4. Close clears; shutdown + exit ends with code 0.
  published = next((m, p) => m === 'textDocument/publishDiagnostics' && p.uri === uri);
  conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  if ((await withTimeout(published, 5000, 'clear on close')).diagnostics.length !== 0) fail('not cleared on close');
  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  const code = await withTimeout(exited, 5000, 'exit');
  if (code !== 0) fail(`exit code ${code}`);
  console.log('e2e ok');
  process.exit(0);
} catch (e) {
  console.error(stderr);
  fail(e.message);
}
