#!/usr/bin/env node
// Validates JSON files against a JSON Schema. The schema's "$schema" picks the draft
// (2020-12, draft-07 or draft-04: the official SARIF 2.1.0 schema is draft-04).
// Usage: validate.mjs [--expect-invalid] <schema.json> <file.json>...
// Exit 0 when every file has the expected outcome, 1 otherwise, 2 on a usage or I/O error.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft7 from 'ajv';
import AjvDraft4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const args = process.argv.slice(2);
const expectInvalid = args[0] === '--expect-invalid';
if (expectInvalid) args.shift();
if (args.length < 2) {
  console.error('usage: validate.mjs [--expect-invalid] <schema.json> <file.json>...');
  process.exit(2);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    console.error(`${path}: ${e.message}`);
    process.exit(2);
  }
}

const schema = readJson(args[0]);
const draft = String(schema.$schema ?? '');
// unicodeRegExp off: the official SARIF schema has a pattern that is only valid without the u flag.
const options = { allErrors: true, strict: false, unicodeRegExp: false };
const ajv = draft.includes('2020-12') ? new Ajv2020(options)
  : draft.includes('draft-04') ? new AjvDraft4(options)
  : new AjvDraft7(options);
addFormats(ajv);
const validate = ajv.compile(schema);

let failures = 0;
for (const file of args.slice(1)) {
  const ok = validate(readJson(file));
  if (ok && !expectInvalid) {
    console.log(`${file}: valid`);
  } else if (!ok && expectInvalid) {
    console.log(`${file}: invalid as expected (${ajv.errorsText(validate.errors)})`);
  } else {
    failures++;
    console.log(ok ? `${file}: valid, but expected invalid` : `${file}: INVALID`);
    for (const err of validate.errors ?? []) console.log(`  ${err.instancePath || '/'} ${err.message}`);
  }
}
process.exit(failures ? 1 : 0);
