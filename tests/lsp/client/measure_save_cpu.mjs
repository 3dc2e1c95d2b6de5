// CPU-time measure of didSave -> publishDiagnostics (load-independent, unlike wall time): opens
// <file>, saves it N times waiting for each publishDiagnostics, then shuts down. Run it under
// /usr/bin/time with N=0 and N>0: (CPU(N) - CPU(0)) / N is the server's CPU per save, to compare
// with `/usr/bin/time fa-check -p <db> --format compact <file>`. Plain node, no packages.
// usage: node measure_save_cpu.mjs <fa-lsp> <compile_commands dir> <file> <N>
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [faLsp, db, file, count] = process.argv.slice(2);
if (count === undefined) {
  console.error('usage: node measure_save_cpu.mjs <fa-lsp> <compile_commands dir> <file> <N>');
  process.exit(2);
}
const server = spawn(faLsp, [], { stdio: ['pipe', 'pipe', 'inherit'] });
let pending = Buffer.alloc(0);
const waiters = [];
server.stdout.on('data', (data) => {
  pending = Buffer.concat([pending, data]);
  for (;;) {
    const end = pending.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(pending.subarray(0, end).toString())[1]);
    if (pending.length < end + 4 + length) return;
    const message = JSON.parse(pending.subarray(end + 4, end + 4 + length).toString());
    pending = pending.subarray(end + 4 + length);
    for (const w of waiters.splice(0)) if (!w(message)) waiters.push(w);
  }
});
const send = (m) => {
  const text = JSON.stringify({ jsonrpc: '2.0', ...m });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
};
const next = (pred) => new Promise((resolve) => waiters.push((m) => (pred(m) ? (resolve(m), true) : false)));
const published = () => next((m) => m.method === 'textDocument/publishDiagnostics');

const uri = pathToFileURL(file).href;
let answer = next((m) => m.id === 1);
send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {},
  initializationOptions: { compileCommandsDir: db, debounceMs: 0 } } });
await answer;
send({ method: 'initialized', params: {} });
let done = published();
send({ method: 'textDocument/didOpen',
  params: { textDocument: { uri, languageId: 'cpp', version: 1, text: fs.readFileSync(file, 'utf8') } } });
await done;
const times = [];
for (let i = 0; i < Number(count); ++i) {
  done = published();
  const t0 = performance.now();
  send({ method: 'textDocument/didSave', params: { textDocument: { uri } } });
  await done;
  times.push(performance.now() - t0);
}
console.log(`save wall ms: ${times.map((t) => t.toFixed(0)).join(' ')}`);
answer = next((m) => m.id === 2);
send({ id: 2, method: 'shutdown' });
await answer;
send({ method: 'exit' });
