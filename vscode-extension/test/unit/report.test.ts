import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';

import {parseReportArgs} from '../../src/report/args';
import {buildReport, writeReport} from '../../src/report/buildReport';
import {main} from '../../src/report/fa-report';
import {loadSnapshots, ReportError, schemaValidator} from '../../src/report/loadSnapshots';

import {example} from './inspectorFixtures';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const schema = path.join(repo, 'docs/schemas/snapshot-v1.schema.json');
const validate = schemaValidator(schema);
const snapName = (frame: number) => `snapshot_${String(frame).padStart(16, '0')}.json`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-report-test-'));
});
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

function write(name: string, data: unknown): void {
  fs.writeFileSync(path.join(dir, name), typeof data === 'string' ? data : JSON.stringify(data));
}

describe('loadSnapshots', () => {
  it('sorts valid snapshots by frame and keeps the newest N', () => {
    for (const f of [30, 10, 20]) write(snapName(f), {...example('game_three_threads'), frame: f});
    write('snapshot.request', '');
    const all = loadSnapshots(dir, validate);
    expect(all.frames.map((s) => s.frame)).toEqual([10, 20, 30]);
    expect(all.files).toBe(3);
    expect(loadSnapshots(dir, validate, 2).frames.map((s) => s.frame)).toEqual([20, 30]);
  });

  it('skips files that are not JSON or break the schema, naming the file and the reason', () => {
    write(snapName(1), example('empty_allocator'));
    write(snapName(2), '{"version": 1,');
    write(snapName(3), {...example('empty_allocator'), version: 2});
    const r = loadSnapshots(dir, validate);
    expect(r.frames).toHaveLength(1);
    expect(r.skipped.map((s) => path.basename(s.file))).toEqual([snapName(2), snapName(3)]);
    expect(r.skipped[0].reason).toMatch(/^not JSON: /);
    expect(r.skipped[1].reason).toMatch(/does not match snapshot-v1: .*version/);
    expect(r.skipped.every((s) => !s.reason.includes('\n'))).toBe(true);
  });

  it('fails clearly for a missing directory, an empty one and one without valid snapshots', () => {
    expect(() => loadSnapshots(path.join(dir, 'nope'), validate)).toThrow(ReportError);
    expect(() => loadSnapshots(dir, validate)).toThrow(/no valid snapshot .*no snapshot_\*\.json files/);
    write(snapName(1), '[]');
    expect(() => loadSnapshots(dir, validate)).toThrow(/none of its 1 snapshot files is valid/);
  });

  it('reports an unreadable schema as a ReportError', () => {
    expect(() => schemaValidator(path.join(dir, 'missing.json'))).toThrow(/cannot read the snapshot schema/);
  });
});

describe('parseReportArgs', () => {
  it('reads the directory, output and options', () => {
    expect(parseReportArgs([
      'snaps', '-o', 'r.html', '--frames', '5'
    ])).toEqual({dir: 'snaps', output: 'r.html', frames: 5, schema: undefined, title: undefined});
    expect(parseReportArgs(['snaps'])).toMatchObject({output: path.join('snaps', 'report.html')});
    expect(parseReportArgs(['-h'])).toBe('help');
  });
  it('rejects bad usage', () => {
    expect(() => parseReportArgs([])).toThrow(/one snapshot directory/);
    expect(() => parseReportArgs(['a', 'b'])).toThrow(/one snapshot directory/);
    expect(() => parseReportArgs(['a', '--frames', '0'])).toThrow(/positive integer/);
    expect(() => parseReportArgs(['a', '--frames', '2x'])).toThrow(/positive integer/);
    expect(() => parseReportArgs(['a', '--bogus'])).toThrow(ReportError);
  });
});

describe('buildReport', () => {
  const assets = {script: 'console.log("</script><b>")', styles: ['body{}', 'p{}']};

  it('inlines script and styles under one nonce and embeds data that cannot break out', () => {
    const evil = {...example('empty_allocator'), timestamp: '</script><script>alert(1)</script>'};
    const html = buildReport([evil], assets);
    const nonce = /script-src &#39;nonce-([^&]+)&#39;/.exec(html)![1];
    // Two stylesheets, the data and the script carry it; nothing else is inline.
    expect(html.split(`nonce="${nonce}"`)).toHaveLength(5);
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const data = /<script type="application\/json" id="fa-data"[^>]*>([^<]*)<\/script>/.exec(html)![1];
    expect(JSON.parse(data).frames[0].timestamp).toBe(evil.timestamp);
  });

  it('uses a fresh nonce per report', () => {
    const nonceOf = (html: string) => /nonce="([^"]+)"/.exec(html)![1];
    const frames = [example('empty_allocator')];
    expect(nonceOf(buildReport(frames, assets))).not.toBe(nonceOf(buildReport(frames, assets)));
  });

  it('replaces the output file only when the write succeeds', () => {
    const out = path.join(dir, 'r.html');
    writeReport(out, 'first');
    expect(() => writeReport(path.join(dir, 'missing-dir', 'r.html'), 'x')).toThrow(/cannot write/);
    expect(fs.readFileSync(out, 'utf8')).toBe('first');
    expect(fs.readdirSync(dir)).toEqual(['r.html']);
  });
});

describe('fa-report main', () => {
  let dist: string;
  beforeEach(() => {
    // A fake build tree: dist/ with the bundles next to media/.
    dist = path.join(dir, 'ext', 'dist');
    fs.mkdirSync(dist, {recursive: true});
    fs.mkdirSync(path.join(dir, 'ext', 'media'));
    fs.writeFileSync(path.join(dist, 'webview.js'), '/* webview */');
    fs.writeFileSync(path.join(dist, 'uPlot.min.css'), '/* uplot */');
    fs.writeFileSync(path.join(dir, 'ext', 'media', 'inspector.css'), '/* inspector */');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  it('writes one self-contained page and reports skipped files on stderr', () => {
    const snaps = path.join(dir, 'snaps');
    fs.mkdirSync(snaps);
    fs.writeFileSync(path.join(snaps, snapName(18421)), JSON.stringify(example('game_three_threads')));
    fs.writeFileSync(path.join(snaps, snapName(5)), 'garbage');
    const out = path.join(dir, 'report.html');
    expect(main([snaps, '-o', out, '--schema', schema], dist)).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('/* webview */');
    expect(html).toContain('/* inspector */');
    expect(html).toContain('"frame":18421');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(console.error)
        .toHaveBeenCalledWith(expect.stringMatching(/skipped .*snapshot_0000000000000005\.json: not JSON/));
  });

  it('exits 2 with a message for a missing directory and writes nothing', () => {
    const out = path.join(dir, 'report.html');
    expect(main([path.join(dir, 'absent'), '-o', out, '--schema', schema], dist)).toBe(2);
    expect(console.error).toHaveBeenCalledWith(expect.stringMatching(/cannot read the snapshot directory/));
    expect(fs.existsSync(out)).toBe(false);
  });

  it('exits 2 when the build is missing its assets', () => {
    fs.rmSync(path.join(dist, 'webview.js'));
    expect(main([dir, '--schema', schema], dist)).toBe(2);
    expect(console.error)
        .toHaveBeenCalledWith(expect.stringMatching(/missing .*webview\.js: build the extension/));
  });
});
