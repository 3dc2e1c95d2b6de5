// Measure: fa-lsp's resident memory while 10,000 snapshot files stream through it, and the
// file-renamed -> notification latency. usage: node measure_snapshots.mjs <fa-lsp> <snapshot example> <work dir> [count]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as rpc from 'vscode-jsonrpc/node.js';

const [faLsp, example, work, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 10000);
fs.rmSync(work, { recursive: true, force: true });
const dir = path.join(work, 'target', 'framealloc');
fs.mkdirSync(dir, { recursive: true });
const server = spawn(faLsp, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));
let waiting = null;
conn.onNotification('framealloc/snapshot', (p) => { if (waiting && p.snapshot.frame === waiting.frame) waiting.resolve(); });
conn.listen();
await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(work).href, capabilities: {},
  initializationOptions: { snapshotNotifications: true, snapshotRing: 600 } });
conn.sendNotification('initialized', {});
const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]);
const snapshot = JSON.parse(fs.readFileSync(example, 'utf8'));
const lat = [];
const rss = {};
for (let frame = 1; frame <= count; ++frame) {
  snapshot.frame = frame;
  const name = `snapshot_${String(frame).padStart(16, '0')}.json`;
  fs.writeFileSync(path.join(dir, '.tmp'), JSON.stringify(snapshot));
  const done = new Promise((resolve) => { waiting = { frame, resolve }; });
  const t0 = performance.now();
  fs.renameSync(path.join(dir, '.tmp'), path.join(dir, name));
  await done;
  lat.push(performance.now() - t0);
  fs.unlinkSync(path.join(dir, name));  // the runtime's retention would do this
  if ([100, 1000, 5000, count].includes(frame)) rss[frame] = rssKiB();
}
lat.sort((a, b) => a - b);
const q = (f) => lat[Math.min(lat.length - 1, Math.floor(f * lat.length))].toFixed(2);
console.log(`snapshots: ${count}; rename->notification p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${lat[lat.length - 1].toFixed(2)} ms`);
console.log(`VmRSS KiB after frames: ${JSON.stringify(rss)}`);
await conn.sendRequest('shutdown');
conn.sendNotification('exit');
