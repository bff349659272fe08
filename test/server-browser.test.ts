/**
 * The `serve` page end to end in headless Chromium (playwright-core, /usr/bin/chromium; skipped
 * with a message when it is absent): upload, maps render, hover shows a distribution, names stay
 * text, no request leaves the server. Saves test-artifacts/serve.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunningServer, startServer } from '../lib/server/server';
import { testPhotoPng, TINY_CLASSES, writeTinyModel } from './fixtures/serve-fixture';

const CHROMIUM = '/usr/bin/chromium';

/** registers nothing and says so when Chromium is absent: a skip must never count as a pass */
const skipped = ((title: string): void => console.log(`  SKIPPED ${title}: ${CHROMIUM} is not installed (.ci/run installs chromium)`)) as unknown as typeof test;
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');

(existsSync(CHROMIUM) ? test : skipped)('upload, maps, legend, overlay, hover, download link, screenshot', async (): Promise<void> => {
  const fixture = writeTinyModel();
  const profile = mkdtempSync(path.join(tmpdir(), 'segnet-uq-chromium-'));
  let running: RunningServer | null = null;
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    running = await startServer({ model: fixture.model, port: 0, host: '127.0.0.1' });
    const base = running.url;
    const page = await context.newPage();
    const problems: string[] = [], requests: string[] = [], dialogs: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} ${m.location().url}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('request', (r) => requests.push(r.url()));

    // expressions as strings: the project's tsconfig has no DOM types
    const inPage = async <T>(expression: string): Promise<T> => (await page.evaluate(expression)) as T;
    await page.goto(base, { waitUntil: 'load' });
    await page.waitForSelector('body[data-state="ready"]', { timeout: 10_000 });
    await page.setInputFiles('#file', { name: 'x"<img src=y onerror=alert(1)>.png', mimeType: 'image/png', buffer: testPhotoPng(320, 240) });
    await page.waitForSelector('body[data-state="done"]', { timeout: 15_000 });

    const widths = await inPage<number[]>(`['photo', 'overlay', 'classMap', 'entropy', 'mutualInformation', 'variance']
      .map((id) => document.getElementById(id).naturalWidth)`);
    assert.equal(widths, [320, 320, 320, 320, 320, 320], 'photo, overlay and maps rendered');
    const bars = await inPage<number[]>(`Array.from(document.querySelectorAll('.bar img')).map((i) => i.naturalWidth)`);
    assert.equal(bars, [256, 256, 256], 'colour bars rendered');
    const legend = await inPage<string[]>(`Array.from(document.querySelectorAll('#legend li')).map((li) => li.textContent)`);
    assert.equal(legend, TINY_CLASSES.map((c) => c.name), 'class names shown as text');
    assert.is(await inPage<number>(`document.querySelectorAll('#legend b, #legend script, img[src="y"]').length`), 0, 'no element came from a name');
    assert.match(await page.textContent('#summary') ?? '', /mean entropy \d/);
    assert.match(await page.getAttribute('#download', 'href') ?? '', /^\/api\/result\/[A-Za-z0-9_-]{22}\/download$/);

    await page.selectOption('#overlayMap', 'entropy');
    await page.fill('#opacity', '80');
    await page.dispatchEvent('#opacity', 'input');
    const overlay = await inPage<{ src: string | null; opacity: string }>(
      `({ src: document.getElementById('overlay').getAttribute('src'), opacity: document.getElementById('overlay').style.opacity })`);
    assert.match(overlay.src ?? '', /\/entropy\.png$/);
    assert.is(overlay.opacity, '0.8');

    const box = await page.locator('#classMap').boundingBox();
    assert.ok(box, 'class map laid out');
    if (!box) return;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
    // (waitForFunction would eval in the page, which the page's CSP forbids)
    await page.locator('#hoverBody .row').nth(3).waitFor({ timeout: 5000 });
    assert.is(await page.locator('#hoverBody .row').count(), 4);
    const hover = await inPage<{ rows: number[]; text: string }>(`({
      rows: Array.from(document.querySelectorAll('#hoverBody .row .num')).map((n) => Number(n.textContent)),
      text: document.getElementById('hoverBody').textContent,
    })`);
    const sum = hover.rows.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 0.01, `distribution sums to ${sum}`);
    assert.ok(hover.rows.every((v, i) => i === 0 || v <= hover.rows[i - 1]), 'sorted, most likely first');
    assert.match(hover.text, /entropy/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'serve.png'), fullPage: true });
    assert.equal(problems, []);
    assert.equal(dialogs, []);
    for (const url of requests) assert.ok(url.startsWith(base) || url.startsWith('blob:'), url);
  } finally {
    await context.close();
    await running?.close();
    fixture.cleanup();
    rmSync(profile, { recursive: true, force: true });
  }
});

test.run();
