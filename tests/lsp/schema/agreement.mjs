// Our schema validator (fa-schema-check) and ajv (tools/schema-validate/validate.mjs) must give the
// same verdict on every file: the schema's examples and systematic mutations of them (each member
// deleted, nulled, emptied, made negative, made fractional, given an extra member, plus date-time
// and integer edge cases). Plain node, no packages.
// usage: node agreement.mjs <fa-schema-check> <validate.mjs> <schema> <work dir> <example.json>...
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [ours, ajvScript, schema, work, ...examples] = process.argv.slice(2);
if (!examples.length) {
  console.error('usage: node agreement.mjs <fa-schema-check> <validate.mjs> <schema> <work dir> <example.json>...');
  process.exit(2);
}
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

const files = [];
const emit = (name, text) => {
  const file = path.join(work, `${String(files.length).padStart(4, '0')}_${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  fs.writeFileSync(file, text);
  files.push(file);
};
const clone = (v) => JSON.parse(JSON.stringify(v));

// Every member path of a document (array elements: the first one only).
function paths(node, prefix = []) {
  const out = [];
  if (Array.isArray(node)) {
    if (node.length) out.push([...prefix, 0], ...paths(node[0], [...prefix, 0]));
  } else if (node && typeof node === 'object') {
    for (const key of Object.keys(node)) out.push([...prefix, key], ...paths(node[key], [...prefix, key]));
  }
  return out;
}
const parentOf = (doc, p) => p.slice(0, -1).reduce((n, k) => n[k], doc);

for (const example of examples) {
  const base = JSON.parse(fs.readFileSync(example, 'utf8'));
  const tag = path.basename(example, '.json');
  emit(`${tag}_as_is`, JSON.stringify(base));
  for (const p of paths(base)) {
    const name = `${tag}_${p.join('.')}`;
    const value = parentOf(base, p)[p.at(-1)];
    const mutate = (what, fn) => {
      const doc = clone(base);
      fn(parentOf(doc, p), p.at(-1));
      emit(`${name}_${what}`, JSON.stringify(doc));
    };
    if (!Array.isArray(parentOf(base, p))) mutate('deleted', (o, k) => delete o[k]);
    mutate('null', (o, k) => (o[k] = null));
    if (typeof value === 'number') {
      mutate('negative', (o, k) => (o[k] = -1));
      mutate('fraction', (o, k) => (o[k] = value + 0.5));
      mutate('string', (o, k) => (o[k] = String(value)));
    }
    if (typeof value === 'string') {
      mutate('empty', (o, k) => (o[k] = ''));
      mutate('other', (o, k) => (o[k] = 'zzz'));
      mutate('number', (o, k) => (o[k] = 7));
    }
    if (typeof value === 'boolean') mutate('number', (o, k) => (o[k] = 1));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      mutate('extra_member', (o, k) => (o[k].zz_extra = 1));
      mutate('array', (o, k) => (o[k] = []));
    }
    if (Array.isArray(value)) {
      mutate('object', (o, k) => (o[k] = {}));
      mutate('empty', (o, k) => (o[k] = []));
      mutate('scalar_item', (o, k) => (o[k] = [42]));
    }
  }
  // Text-level cases JSON.stringify cannot produce: integral floats are integers in JSON Schema.
  const text = JSON.stringify(base);
  emit(`${tag}_frame_as_float`, text.replace(/"frame":(\d+)/, '"frame":$1.0'));
  emit(`${tag}_frame_exponent`, text.replace(/"frame":(\d+)/, '"frame":1e3'));
  emit(`${tag}_frame_huge`, text.replace(/"frame":(\d+)/, '"frame":18446744073709551615'));
  for (const ts of ['2024-02-29T10:00:00Z', '2025-02-29T10:00:00Z', '2025-02-30T10:00:00Z',
    '2025-13-01T00:00:00Z', '2025-06-01T23:59:60Z', '2025-06-01T10:15:60Z', '2025-06-01T24:00:00Z',
    '2025-06-01 10:15:30Z', '2025-06-01T10:15:30.1234567890Z', '2025-06-01T10:15:30+01:00',
    '2025-06-01T10:15:30.5z', '2025-06-00T10:15:30Z']) {
    emit(`${tag}_timestamp_${ts}`, JSON.stringify({ ...base, timestamp: ts }));
  }
  emit(`${tag}_version_float`, text.replace(/"version":1/, '"version":1.0'));
  emit(`${tag}_extra_top`, JSON.stringify({ ...base, zz_extra: true }));
}

// Verdicts per file: "valid" / "invalid".
function verdicts(cmd, args, pattern) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status === 2 || r.error) {
    console.error(`FAIL: ${cmd} ${args[0]}: ${r.error ?? r.stderr}`);
    process.exit(1);
  }
  const out = new Map();
  for (const line of r.stdout.split('\n')) {
    const m = pattern.exec(line);
    if (m) out.set(m[1], m[2] === 'valid' ? 'valid' : 'invalid');
  }
  return out;
}
const ajv = verdicts(process.execPath, [ajvScript, schema, ...files], /^(.*?\.json): (valid|INVALID)/);
const mine = verdicts(ours, [schema, ...files], /^(.*?\.json): (valid|invalid)/);

let disagreements = 0;
let valid = 0;
for (const file of files) {
  const a = ajv.get(file);
  const o = mine.get(file);
  if (!a || !o || a !== o) {
    ++disagreements;
    console.log(`DISAGREE ${path.basename(file)}: ajv ${a ?? 'no verdict'}, fa-schema-check ${o ?? 'no verdict'}`);
  }
  if (a === 'valid') ++valid;
}
console.log(`${files.length} files: ${valid} valid, ${files.length - valid} invalid per ajv; ${disagreements} disagreement(s)`);
if (disagreements || valid < 2 || files.length - valid < 50) {
  console.log('FAIL: the validators disagree (or the mutation set lost its mix of verdicts)');
  process.exit(1);
}
console.log('schema agreement ok');
