// Browser tests of the Memory Inspector in Debian's chromium (playwright-core):
//  (a) the webview page exactly as inspectorHtml renders it, with a stub acquireVsCodeApi, fed
//      through postMessage like the extension host does;
//  (b) report pages written by bin/fa-report from the schema examples and from a demo run.
// Any console error, page error or CSP violation fails the run. Screenshots go to test-results/.
// usage: node test/browser/run.mjs [--demo-dir DIR]   (needs dist/ built: node esbuild.mjs)
import * as esbuild from 'esbuild';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';
import {chromium} from 'playwright-core';

import {historyFrames} from './frames.mjs';

const extRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoRoot = path.dirname(extRoot);
const results = path.join(extRoot, 'test-results');
const {values: opts} = parseArgs({options: {'demo-dir': {type: 'string'}}});
fs.mkdirSync(results, {recursive: true});

for (const f of ['dist/webview.js', 'dist/uPlot.min.css', 'dist/fa-report.js']) {
  if (!fs.existsSync(path.join(extRoot, f))) throw new Error(`${f} is missing: run 'node esbuild.mjs' first`);
}

// The real page template, compiled from TypeScript on the fly.
const compiled = await esbuild.build({
  entryPoints: [path.join(extRoot, 'src/shared/inspectorHtml.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false
});
const {inspectorHtml} = await import(
    'data:text/javascript;base64,' + Buffer.from(compiled.outputFiles[0].text).toString('base64'));

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${String(e.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

/** A page that records console errors, page errors and CSP violations. */
async function openPage(browser, initScript) {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    if (/Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`securitypolicyviolation ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (initScript) await page.addInitScript(initScript);
  return {page, problems};
}

const text = (page, selector) => page.locator(selector).first().textContent();

// ---- (a) the webview page ----------------------------------------------------------------------

function serve() {
  const types = {'.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html'};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const origin = `http://127.0.0.1:${server.address().port}`;
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();  // browsers ask for it; VS Code webviews do not
      return;
    }
    if (url.pathname === '/webview.html') {
      res.writeHead(200, {'content-type': 'text/html'});
      res.end(inspectorHtml({
        nonce: 'dGVzdC1ub25jZS0xMjM0NTY3OA',
        cspSource: origin,
        scriptUri: `${origin}/dist/webview.js`,
        styleUris: [`${origin}/dist/uPlot.min.css`, `${origin}/media/inspector.css`]
      }));
      return;
    }
    // Only dist/ and media/, as the webview's localResourceRoots.
    const rel = path.normalize(url.pathname).replace(/^\/+/, '');
    if (!/^(dist|media)\//.test(rel) || !fs.existsSync(path.join(extRoot, rel))) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {'content-type': types[path.extname(rel)] ?? 'application/octet-stream'});
    res.end(fs.readFileSync(path.join(extRoot, rel)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function webviewTests(browser) {
  const server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/webview.html`;
  const {page, problems} = await openPage(browser, () => {
    window.__posted = [];
    window.acquireVsCodeApi = () => ({postMessage: (m) => window.__posted.push(m)});
  });
  const posted = () => page.evaluate(() => window.__posted);
  const send = (m) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const frames = historyFrames(repoRoot);

  await page.goto(url);
  await check('webview posts ready on load', async () => {
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    assert.equal(await page.locator('#fa-empty').isVisible(), true);
  });

  await send({type: 'history', frames});
  await page.waitForSelector('#fa-frame-number');
  await check('header shows the newest frame with its totals', async () => {
    assert.equal(await text(page, '#fa-frame-number'), '18421');
    assert.equal(await text(page, '#fa-total'), '14 MiB');
    assert.equal(await text(page, '#fa-frame-bytes'), '4 MiB');
    assert.equal(await text(page, '#fa-heap-bytes'), '8 MiB');
    assert.equal(await text(page, '#fa-duration'), '16.48 ms');
    assert.equal(await text(page, '#fa-mode'), 'live');
  });
  await check(
      'tag tree rows: allocated since start, since the previous snapshot, per frame, % of budget',
      async () => {
        const rows =
            await page.locator('.tag-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.path));
        assert.deepEqual(rows, ['render', 'render::draw_lists', 'ai', 'ai::pathfinding']);
        assert.equal(await text(page, 'tr[data-path="render"] .inclusive'), '10 MiB');
        assert.equal(await text(page, 'tr[data-path="render"] .self'), '0 B');
        assert.equal(await text(page, 'tr[data-path="ai"] .inclusive'), '1.8 MiB');
        // Frame 18421 allocated 1/128 of the example's cumulative figures: render 2 MiB/128 + 8 MiB/128.
        assert.equal(await text(page, 'tr[data-path="render"] .delta'), '80 KiB');
        assert.equal(await text(page, 'tr[data-path="render"] .per-frame'), '80 KiB');
        assert.equal(await text(page, 'tr[data-path="ai"] .delta'), '14.8 KiB');
        // The live budget figure (768 KiB of 1 MiB), not the cumulative bytes.
        assert.equal(await text(page, 'tr[data-path="ai::pathfinding"] .budget-percent'), '75.0%');
        const groups = await page.locator('.tag-table tr.group-headings th').allTextContents();
        assert.deepEqual(
            groups, ['', 'Allocated since start (cumulative)', 'Allocated since frame 18420', '']);
        const headings = await page.locator('.tag-table thead tr:not(.group-headings) th').allTextContents();
        assert.deepEqual(
            headings.slice(1, 10),
            ['inclusive', 'self', 'frame', 'pool', 'heap', 'count', 'total', 'per frame', '% budget (live)']);
      });
  await check('budget bars show percentages and colour classes', async () => {
    const tagBar = page.locator('.budget[data-kind="tag"][data-key="ai::pathfinding"]');
    assert.equal(await tagBar.locator('.budget-percent').textContent(), '75.0%');
    assert.match(await tagBar.getAttribute('class'), /budget-warn/);
    const threadBar = page.locator('.budget[data-kind="thread"][data-key="2"]');
    assert.equal(await threadBar.locator('.budget-percent').textContent(), '25.0%');
    assert.match(await threadBar.getAttribute('class'), /budget-ok/);
  });
  await check('thread lanes and queues', async () => {
    assert.equal(await page.locator('.lane').count(), 3);
    assert.match(await text(page, '.lane[data-thread="3"] .lane-figures'), /remote frees 40/);
    assert.equal(await text(page, '#fa-deferred-depth'), '128 (+28)');
    assert.equal(await text(page, '#fa-transfers-pending'), '2');
  });
  await check('sites are ranked by bytes', async () => {
    const sites =
        await page.locator('.site-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.site));
    assert.deepEqual(sites, ['src/render/draw_list.cpp:57:heap', 'src/ai/pathfinding.cpp:142:frame']);
    assert.equal(await text(page, '.site-table tbody tr .bytes'), '8 MiB');
  });
  await check('"go to source" posts revealTag and a site posts openSource', async () => {
    await page.click('tr[data-path="ai::pathfinding"] .go-to-source');
    await page.click('tr[data-site="src/ai/pathfinding.cpp:142:frame"] .open-source');
    const sent = await posted();
    assert.deepEqual(sent.find((m) => m.type === 'revealTag'), {type: 'revealTag', path: 'ai::pathfinding'});
    assert.deepEqual(
        sent.find((m) => m.type === 'openSource'),
        {type: 'openSource', file: 'src/ai/pathfinding.cpp', line: 142});
    assert.equal(await page.locator('tr[data-path=""] .go-to-source').count(), 0);
  });
  await check('A/B comparison of frames 18420 and 18421', async () => {
    await send({type: 'compare', a: 18420, b: 18421});
    await page.waitForFunction(() => document.querySelector('#fa-compare-a')?.value === '18420');
    assert.equal(await text(page, '.diff-summary tr[data-key="total_bytes"] .delta'), '+7 MiB');
    assert.equal(await text(page, '.diff-summary tr[data-key="total_bytes"] .a'), '7 MiB');
    // Tags and sites are cumulative: B − A is what was allocated (requested) between the two frames.
    assert.equal(await text(page, '.diff-tags tr[data-key="render::draw_lists"] .delta'), '+80 KiB');
    assert.equal(await text(page, '.diff-tags tr[data-key="render::draw_lists"] .b'), '10 MiB');
    assert.deepEqual(
        (await page.locator('.diff-tags th').allTextContents()).slice(1),
        ['A: allocated since start', 'B: allocated since start', 'allocated between A and B']);
    assert.equal(
        await text(page, '.diff-sites tr[data-key="src/render/draw_list.cpp:57:heap"] .delta'), '+64 KiB');
    // Choosing A in the page recomputes the diff: 18410 was the 3x spike, so B − A is negative.
    await page.selectOption('#fa-compare-a', '18410');
    await page.waitForFunction(
        () => document.querySelector('.diff-summary tr[data-key="total_bytes"] .delta')?.textContent ===
            '-28 MiB');
  });
  await check('timeline: uPlot chart, peak and spike markers', async () => {
    assert.equal(await page.locator('#fa-timeline-body canvas').count(), 1);
    assert.equal(await page.getAttribute('#fa-timeline-body', 'data-peak'), '18410');
    assert.equal(await page.getAttribute('#fa-timeline-body', 'data-spikes'), '18410');
    assert.match(await text(page, '#fa-timeline .u-legend'), /render/);
    assert.match(await text(page, '#fa-timeline .u-legend'), /total allocated per frame/);
    assert.equal(await page.getAttribute('#fa-timeline-body', 'data-unit'), 'allocated per frame');
    // Budgets limit live bytes: no budget line against a per-frame rate.
    assert.doesNotMatch(await text(page, '#fa-timeline .u-legend'), /budget/);
    // Hovering the newest frame shows what it allocated: render 80 KiB, ai 14.75 KiB, total 94.75 KiB.
    await page.locator('#fa-timeline .u-over').scrollIntoViewIfNeeded();
    const box = await page.locator('#fa-timeline .u-over').boundingBox();
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    const legend = async () =>
        Object.fromEntries(await page.locator('#fa-timeline .u-legend tr')
                               .evaluateAll(
                                   (trs) => trs.map(
                                       (tr) =>
                                           [tr.querySelector('.u-label')?.textContent,
                                            tr.querySelector('.u-value')?.textContent])));
    await page.waitForFunction(
        () => /18,?421/.test(document.querySelector('#fa-timeline .u-legend')?.textContent));
    const last = await legend();
    assert.equal(last.render, '80 KiB');
    assert.equal(last.ai, '14.8 KiB');
    assert.equal(last['total allocated per frame'], '94.8 KiB');
    // The first frame held has no predecessor: no value rather than its whole cumulative figure.
    await page.mouse.move(box.x + 1, box.y + box.height / 2);
    await page.waitForFunction(
        () => /18,?401/.test(document.querySelector('#fa-timeline .u-legend')?.textContent));
    const first = await legend();
    assert.equal(first.render, '—');
    assert.equal(first['total allocated per frame'], '—');
    await page.mouse.move(0, 0);
  });
  // The screenshot for the docs: frame 18421 with deltas against 18420 and A/B = 18410 / 18421.
  await page.screenshot({path: path.join(results, 'inspector.png'), fullPage: true});
  await check('malformed host messages are ignored', async () => {
    await send({type: 'snapshot', snapshot: {version: 1, frame: 'x'}});
    await send({type: 'history', frames: [{}]});
    await send('not an object');
    await page.waitForTimeout(100);
    assert.equal(await text(page, '#fa-frame-number'), '18421');
  });
  await check('a live snapshot becomes the newest frame', async () => {
    const next = {...frames[frames.length - 1], frame: 18422};
    await send({type: 'snapshot', snapshot: next});
    await page.waitForFunction(() => document.querySelector('#fa-frame-number')?.textContent === '18422');
    // Same cumulative figures one frame later: nothing was allocated in between.
    assert.equal(await text(page, 'tr[data-path="render"] .delta'), '0 B');
  });
  await check('snapshot text is shown as text, never parsed as HTML', async () => {
    const evil = '<img src=x id=injected>';
    const next = structuredClone(frames[frames.length - 1]);
    next.frame = 18423;
    next.tags.push(
        {path: evil, frame: {bytes: 64, count: 1}, pool: {bytes: 0, count: 0}, heap: {bytes: 0, count: 0}});
    next.sites[0].function = evil;
    await send({type: 'snapshot', snapshot: next});
    await page.waitForFunction(() => document.querySelector('#fa-frame-number')?.textContent === '18423');
    assert.equal(await page.locator('#injected').count(), 0);
    assert.equal(await text(page, `tr[data-path="${evil}"] .tag-name`), evil);
    assert.equal(await text(page, 'tr[data-site="src/ai/pathfinding.cpp:142:frame"] .function'), evil);
  });
  await check('stacking by thread relabels the timeline', async () => {
    await page.click('#fa-stack-thread');
    await page.waitForFunction(
        () => /main #1/.test(document.querySelector('#fa-timeline .u-legend')?.textContent));
    assert.equal(await page.getAttribute('#fa-stack-thread', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#fa-timeline-body', 'data-unit'), 'live bytes');
    assert.match(await text(page, '#fa-timeline .u-legend'), /total live bytes/);
    await page.screenshot({path: path.join(results, 'inspector-threads.png'), fullPage: true});
    await page.click('#fa-stack-tag');
    // The chart is rebuilt on the next animation frame; wait for it before measuring it below.
    await page.waitForSelector('#fa-stack-tag[aria-pressed="true"]');
  });
  await check('clicking the timeline selects a frame and tells the host', async () => {
    const box = await page.locator('#fa-timeline .u-over').boundingBox();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'selectFrame'));
    const {frame} = (await posted()).find((m) => m.type === 'selectFrame');
    assert.ok(frame >= 18401 && frame < 18422, `selected frame ${frame}`);
    await page.waitForFunction(
        (f) => document.querySelector('#fa-frame-number')?.textContent === String(f), frame);
    assert.equal(await page.locator('#fa-follow').count(), 1);
  });
  await check('arrow keys on the timeline move the selection', async () => {
    const before = Number(await text(page, '#fa-frame-number'));
    await page.focus('#fa-timeline-body');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
        (f) => document.querySelector('#fa-frame-number')?.textContent === String(f), before + 1);
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('#fa-frame-number')?.textContent === '18401');
    await page.keyboard.press('ArrowLeft');  // already the first frame: nothing changes, nothing is posted
    await page.waitForTimeout(50);
    assert.equal(await text(page, '#fa-frame-number'), '18401');
    const sent = (await posted()).filter((m) => m.type === 'selectFrame').map((m) => m.frame);
    assert.deepEqual(sent.slice(-2), [before + 1, 18401]);
  });
  await check(
      'webview: no console errors, page errors or CSP violations', () => assert.deepEqual(problems, []));
  await page.close();
  server.close();
}

// ---- (b) report pages --------------------------------------------------------------------------

function makeReport(dir, out) {
  return execFileSync(
      process.execPath, [path.join(extRoot, 'bin/fa-report'), dir, '-o', out],
      {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

async function reportFromExamples(browser) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-report-examples-'));
  fs.copyFileSync(
      path.join(repoRoot, 'docs/schemas/examples/empty_allocator.json'),
      path.join(dir, `snapshot_${'0'.repeat(16)}.json`));
  // The newest frame gains a small site with an absolute path: the report links it as a file URL.
  const game = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'docs/schemas/examples/game_three_threads.json'), 'utf8'));
  game.sites.push({
    file: '/work/src/audio mixer.cpp',
    line: 9,
    function: 'mix()',
    tag: '',
    kind: 'pool',
    count: 1,
    bytes: 64
  });
  fs.writeFileSync(path.join(dir, 'snapshot_0000000000018421.json'), JSON.stringify(game));
  const out = path.join(dir, 'report.html');
  makeReport(dir, out);
  const {page, problems} = await openPage(browser);
  await page.goto(pathToFileURL(out).href);
  await check(
      'report (examples): the page renders',
      () => page.waitForSelector('#fa-frame-number', {timeout: 10000}));
  await check('report (examples): header, tags, budgets and sites as text', async () => {
    assert.equal(await text(page, '#fa-mode'), 'report · 2 frames');
    assert.equal(await text(page, '#fa-frame-number'), '18421');
    assert.equal(await text(page, '#fa-total'), '14 MiB');
    assert.equal(await text(page, 'tr[data-path="ai"] .inclusive'), '1.8 MiB');
    assert.equal(await text(page, '.budget[data-key="ai::pathfinding"] .budget-percent'), '75.0%');
    assert.equal(await page.locator('.go-to-source, .open-source, #fa-pause').count(), 0);
    assert.equal(await text(page, '.site-table tbody tr .location'), 'src/render/draw_list.cpp:57');
    assert.equal(await text(page, '.diff-summary tr[data-key="total_bytes"] .delta'), '+14 MiB');
    assert.equal(
        await page.getAttribute('.site-table a.file-link', 'href'), 'file:///work/src/audio%20mixer.cpp');
  });
  await page.screenshot({path: path.join(results, 'report-examples.png'), fullPage: true});
  await check(
      'report (examples): no console errors, page errors or CSP violations',
      () => assert.deepEqual(problems, []));
  await page.close();
  fs.rmSync(dir, {recursive: true, force: true});
}

async function reportFromDemo(browser, demoDir) {
  const names = fs.readdirSync(demoDir).filter((n) => /^snapshot_.*\.json$/.test(n)).sort();
  const newest = JSON.parse(fs.readFileSync(path.join(demoDir, names[names.length - 1]), 'utf8'));
  // A private output path: ctest and a developer may run this test at the same time.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-report-demo-'));
  const out = path.join(tmp, 'report.html');
  makeReport(demoDir, out);
  const {page, problems} = await openPage(browser);
  await page.goto(pathToFileURL(out).href);
  await check(
      'report (demo run): the page renders',
      () => page.waitForSelector('#fa-frame-number', {timeout: 10000}));
  await check('report (demo run): newest frame, every tag and thread rendered', async () => {
    // Every frame fa-report accepted must be readable by the page (no "malformed" notice).
    assert.equal(await page.locator('#fa-notice').isVisible(), false, await text(page, '#fa-notice'));
    assert.equal(await text(page, '#fa-mode'), `report · ${names.length} frames`);
    assert.equal(await text(page, '#fa-frame-number'), String(newest.frame));
    const paths = new Set(newest.tags.map((t) => t.path));
    for (const p of paths)
      assert.equal(await page.locator(`tr[data-path="${p}"]`).count(), 1, `tag row ${p}`);
    assert.equal(await page.locator('.lane').count(), newest.threads.length);
    if (names.length > 1) assert.equal(await page.locator('#fa-timeline-body canvas').count(), 1);
  });
  await check('report (demo run): budget lines only against live bytes', async () => {
    if (names.length < 2) return;
    assert.doesNotMatch(await text(page, '#fa-timeline .u-legend'), /budget/);
    await page.click('#fa-stack-thread');
    await page.waitForFunction(
        () => /total live bytes/.test(document.querySelector('#fa-timeline .u-legend')?.textContent));
    const legend = await text(page, '#fa-timeline .u-legend');
    if (newest.budgets.global) assert.match(legend, /global budget/);
    await page.click('#fa-stack-tag');
    await page.waitForFunction(
        () => /allocated per frame/.test(document.querySelector('#fa-timeline .u-legend')?.textContent));
  });
  await page.screenshot({path: path.join(results, 'report.png'), fullPage: true});
  await check(
      'report (demo run): no console errors, page errors or CSP violations',
      () => assert.deepEqual(problems, []));
  await page.close();
  fs.rmSync(tmp, {recursive: true, force: true});
}

const browser =
    await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox']});
try {
  await webviewTests(browser);
  await reportFromExamples(browser);
  if (opts['demo-dir'])
    await reportFromDemo(browser, opts['demo-dir']);
  else
    console.log('skip report (demo run): no --demo-dir given');
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'all browser checks passed' : `${failures} browser check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
