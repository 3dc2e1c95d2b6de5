// The real fa-lsp process: raw abuse on stdin (invalid JSON, invalid UTF-8, oversized frame) and
// the process-level exits (parent gone, EOF without exit). usage: node process.mjs <fa-lsp>
import { spawn } from 'node:child_process';

const faLsp = process.argv[2];
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
const frame = (body) => {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]);
};

function start() {
  const p = spawn(faLsp, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  p.out = Buffer.alloc(0);
  p.stdout.on('data', (d) => { p.out = Buffer.concat([p.out, d]); });
  p.exitCode_ = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
  return p;
}
function messages(buf) {
  const out = [];
  let rest = buf;
  for (;;) {
    const sep = rest.indexOf('\r\n\r\n');
    if (sep < 0) break;
    const len = Number(/Content-Length: (\d+)/.exec(rest.subarray(0, sep).toString())[1]);
    out.push(JSON.parse(rest.subarray(sep + 4, sep + 4 + len).toString('utf8')));
    rest = rest.subarray(sep + 4 + len);
  }
  return out;
}
const timeout = (p, ms, what) => Promise.race([p, new Promise((_, r) => setTimeout(() => r(new Error(what)), ms))]);

try {
  // 1. Abuse, then a normal shutdown: exit code 0.
  const a = start();
  a.stdin.write(frame('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'));
  a.stdin.write(frame('{"jsonrpc":"2.0","id":2,'));  // not JSON
  a.stdin.write(Buffer.concat([Buffer.from('Content-Length: 3000000\r\n\r\n'), Buffer.alloc(3000000, 0x20)]));
  // An unknown method whose name carries invalid UTF-8: echoed back in the error, replaced.
  a.stdin.write(frame(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":3,"method":"x'), Buffer.from([0xc3]), Buffer.from('"}')])));
  a.stdin.write(frame('{"jsonrpc":"2.0","id":4,"method":"shutdown"}'));
  a.stdin.write(frame('{"jsonrpc":"2.0","method":"exit"}'));
  const codeA = await timeout(a.exitCode_, 10000, 'abuse run did not exit');
  const got = messages(a.out);
  const byId = (id) => got.find((m) => m.id === id);
  if (!byId(1)?.result?.capabilities) fail('no initialize result');
  if (!got.some((m) => m.id === null && m.error?.code === -32700)) fail('no -32700 for the invalid JSON body');
  // The 3 MB frame (under the 64 MiB cap) is read whole and is not JSON; nlohmann rejects invalid
  // UTF-8 while parsing, so the id-3 frame is a parse error too: three in all, and the server goes on.
  if (got.filter((m) => m.error?.code === -32700).length !== 3) fail(`expected three parse errors: ${JSON.stringify(got)}`);
  if (!('result' in byId(4))) fail('no shutdown result after abuse');
  if (codeA !== 0) fail(`exit code ${codeA} after shutdown+exit`);

  // 2. End of input without exit: code 1.
  const b = start();
  b.stdin.end(frame('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'));
  const codeB = await timeout(b.exitCode_, 10000, 'EOF run did not exit');
  if (codeB !== 1) fail(`exit code ${codeB} on EOF without exit`);

  // 3. The parent named in initialize dies: the server exits by itself with 1.
  const parent = spawn('sleep', ['1']);
  const c = start();
  c.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: parent.pid, capabilities: {} } })));
  const codeC = await timeout(c.exitCode_, 10000, 'server outlived its parent');
  if (codeC !== 1) fail(`exit code ${codeC} after the parent died`);
  console.log('process ok');
} catch (e) {
  fail(e.message);
}
