/**
 * Security of the report: no output path escapes the output folder whatever the input names, and
 * index.html renders hostile file and class names as text and loads nothing remote (checked in
 * headless Chromium when /usr/bin/chromium is installed).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { insideOutput, safeOutputName } from '../lib/atomic';
import { escapeHtml } from '../lib/report/html';
import { buildPng, tempDir, TINY_CLASSES, tinyModelDir } from './fixtures/report-inputs';

const CHROMIUM = '/usr/bin/chromium';

/** registers nothing and says so when Chromium is absent: a skip must never count as a pass */
const skipped = ((title: string): void => console.log(`  SKIPPED ${title}: ${CHROMIUM} is not installed (.ci/run installs chromium)`)) as unknown as typeof test;
const HOSTILE = [
  '<img src=x onerror=alert(1)>.png', '"><iframe srcdoc=x onload=alert(2)>.png', "'; alert(3); '.png", '..png', '...png',
  '#frag?q=1%41.png', 'new\nline.png', '\u202eevil\u202d.png', 'ünïcödé 漢字.png', `${'x'.repeat(240)}.png`, '-rf .png',
];

test('safeOutputName: only [A-Za-z0-9._-], never "." or "..", unique by index', () => {
  const inputs = [...HOSTILE, '../../etc/passwd', '/abs/path/..', '..', '.', '', 'a\\..\\..\\b.png', 'C:\\x\\y.png', 'nul\u0000byte.png'];
  const names = inputs.map((name, i) => safeOutputName(i, name));
  for (const [i, n] of names.entries()) {
    assert.match(n, /^\d{5}-[A-Za-z0-9._-]{1,80}$/, JSON.stringify(inputs[i]));
    assert.not.match(n, /(^|\/)\.\.?($|\/)/);
    assert.is(path.basename(n), n);
  }
  assert.is(new Set(names).size, names.length);
});

test('insideOutput: refuses a folder inside the output that links outside it', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'segnet-uq-out-'));
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'segnet-uq-elsewhere-'));
  mkdirSync(path.join(root, 'images'));
  symlinkSync(elsewhere, path.join(root, 'images', '00000-a.png'));
  assert.throws(() => insideOutput(root, 'images', '00000-a.png', 'photo.png'), /through a symlink/);
  assert.is(insideOutput(root, 'images', '00001-b.png', 'photo.png'), path.join(root, 'images', '00001-b.png', 'photo.png'));
});

test('insideOutput: refuses every path that resolves outside the root', () => {
  const root = tempDir();
  for (const bad of [['..'], ['../x'], ['/etc/passwd'], ['a', '..', '..', 'x'], [`../${path.basename(root)}-evil/x`], ['images', '/tmp/x']]) {
    assert.throws(() => insideOutput(root, ...bad), /escapes the output folder/, JSON.stringify(bad));
  }
  assert.is(insideOutput(root, 'a/../b'), path.join(root, 'b'));
  assert.is(insideOutput(root, 'images', safeOutputName(0, '../../x.png'), 'photo.png'), path.join(root, 'images', '00000-x.png', 'photo.png'));
  assert.is(insideOutput(root), root);
});

test('escapeHtml escapes the five HTML specials', () => {
  assert.is(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

const hostileClasses = [{ name: '<script>alert(4)</script>', color: [1, 2, 3] }, TINY_CLASSES[1], { name: '"><img src=x onerror=alert(5)>', color: [9, 9, 9] }];
const model = tinyModelDir({ card: { name: '<b onmouseover=alert(6)>m</b>', classes: hostileClasses } });
const inputs = tempDir();
const out = path.join(tempDir(), 'out');
for (const name of HOSTILE) writeFileSync(path.join(inputs, name), buildPng({ width: 6, height: 5 }));
writeFileSync(path.join(inputs, '<svg onload=alert(7)>.png'), 'not an image'); // listed in errors

/** every path under `dir`, real paths */
function walk(dir: string, acc: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    acc.push(realpathSync(full));
    if (statSync(full).isDirectory()) walk(full, acc);
  }
  return acc;
}

test('hostile input names: every output stays inside the output folder', async () => {
  mkdirSync(out, { recursive: true });
  const before = readdirSync(path.dirname(out));
  const s = await runReport({ inputs: [inputs], out, model: model.model, samples: 2 });
  assert.is(s.images.length, HOSTILE.length);
  assert.is(s.errors.length, 1);
  const root = realpathSync(out);
  for (const p of walk(out)) assert.ok(p === root || p.startsWith(root + path.sep), p);
  assert.equal(readdirSync(path.dirname(out)), before, 'nothing written beside the output folder');
  for (const image of s.images) assert.ok(existsSync(path.join(out, image.outputs?.photo ?? '(no outputs)')), image.file);
});

(existsSync(CHROMIUM) ? test : skipped)('index.html in headless Chromium: names render as text, no dialog, no script error, only file:/data: requests', async (): Promise<void> => {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(tempDir('segnet-uq-chromium-'), {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const dialogs: string[] = [], problems: string[] = [], requests: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' });
    // scroll through so lazy images load too, then let any handler fire
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight); new Promise((resolve) => setTimeout(resolve, 300))');
    await page.mouse.move(10, 10);
    assert.equal(dialogs, [], 'no alert ran');
    assert.equal(problems, []);
    assert.ok(requests.length > HOSTILE.length, `${requests.length} requests`);
    for (const url of requests) assert.match(url, /^(file|data):/, url);
    const text = String(await page.evaluate('document.body.innerText'));
    assert.ok(text.includes(path.join(inputs, '<img src=x onerror=alert(1)>.png')), 'hostile file name visible as text');
    assert.ok(text.includes('<svg onload=alert(7)>.png'), 'hostile name in errors visible as text');
    assert.ok(text.includes('<script>alert(4)</script>'), 'hostile class name visible as text');
    const injected = Number(await page.evaluate(`document.querySelectorAll('img[src="x"], svg, iframe, script:not(:last-of-type), b').length`));
    assert.is(injected, 0, 'no element came from a name');
    const broken = await page.evaluate('Array.from(document.images).filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.src)') as string[];
    assert.equal(broken, [], 'every image of the report loads');
  } finally {
    await context.close();
  }
});

test.run();
