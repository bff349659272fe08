/**
 * serve --gallery DIR (issue 31, friction 16): GET /api/gallery lists the folder's images (names
 * as JSON text), thumbnails are small PNGs, an image's bytes meet the upload's limits (413 over
 * --max-upload), and in headless Chromium (1400 and 400 px wide; skipped without
 * /usr/bin/chromium) a click on a thumbnail and the "random image" button segment one, with a
 * hostile file name shown as text. Saves test-artifacts/serve-gallery-1400.png / -400.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharpDefault from 'sharp';
import type { GalleryResponse } from '../lib/server/types';
import { RunningServer, startServer } from '../lib/server/server';
import { testPhotoPng, writeTinyModel } from './fixtures/serve-fixture';
import { tempDir } from './fixtures/report-inputs';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');
const sharp = ((sharpDefault as unknown as { default?: typeof sharpDefault }).default ?? sharpDefault);
const HOSTILE = '<img src=x onerror=alert(1)>.png';

let fixture: ReturnType<typeof writeTinyModel>;
let running: RunningServer;
let base = '';
let dir = '';

test.before(async () => {
  fixture = writeTinyModel();
  dir = tempDir('segnet-uq-gallery-');
  writeFileSync(path.join(dir, 'a.png'), testPhotoPng(320, 240));
  writeFileSync(path.join(dir, 'b.webp'), await sharp(testPhotoPng(160, 120, 7)).webp({ lossless: true }).toBuffer());
  writeFileSync(path.join(dir, HOSTILE), testPhotoPng(64, 48, 9));
  writeFileSync(path.join(dir, 'huge.png'), Buffer.concat([testPhotoPng(48, 36), Buffer.alloc(300 * 1024)]));
  running = await startServer({ model: fixture.model, port: 0, host: '127.0.0.1', gallery: dir, maxUpload: 256 * 1024 });
  base = running.url.replace(/\/$/, '');
});
test.after(async () => {
  await running?.close();
  fixture?.cleanup();
});

test('GET /api/gallery lists the images; thumbnails at most 240 px; bytes as the file; the upload limit holds', async () => {
  const g = (await (await fetch(`${base}/api/gallery`)).json()) as GalleryResponse;
  const byName = new Map(g.images.map((i) => [i.name, i.id]));
  assert.equal([...byName.keys()].sort(), [HOSTILE, 'a.png', 'b.webp', 'huge.png'].sort());
  const thumb = await fetch(`${base}/api/gallery/${byName.get('a.png')}/thumbnail.png`);
  assert.is(thumb.status, 200);
  const png = Buffer.from(await thumb.arrayBuffer());
  assert.equal([png.readUInt32BE(16), png.readUInt32BE(20)], [240, 180]);
  const webp = Buffer.from(await (await fetch(`${base}/api/gallery/${byName.get('b.webp')}/image`)).arrayBuffer());
  assert.ok(webp.equals(readFileSync(path.join(dir, 'b.webp'))));
  const huge = await fetch(`${base}/api/gallery/${byName.get('huge.png')}/image`);
  assert.is(huge.status, 413);
  assert.match(((await huge.json()) as { error: string }).error, /over the limit of 262144 \(--max-upload\)/);
  assert.is((await fetch(`${base}/api/gallery/99/image`)).status, 404);
  assert.is((await fetch(`${base}/api/gallery/..%2F..%2Fetc/image`)).status, 404);
});

test('without --gallery: an empty list (the page asks every time, with no 404 in its console)', async () => {
  const plain = await startServer({ model: fixture.model, port: 0, host: '127.0.0.1' });
  try {
    assert.equal(await (await fetch(`${plain.url}api/gallery`)).json(), { images: [] });
    assert.is((await fetch(`${plain.url}api/gallery/0/image`)).status, 404);
  } finally {
    await plain.close();
  }
});

test('an empty --gallery folder stops serve at start, naming it', async () => {
  const empty = tempDir('segnet-uq-gallery-empty-');
  try {
    await startServer({ model: fixture.model, port: 0, host: '127.0.0.1', gallery: empty });
    assert.unreachable('should have refused');
  } catch (err) {
    assert.match((err as Error).message, /^--gallery .*: no images found \(formats read: PNG, JPEG/);
  }
});

(existsSync(CHROMIUM) ? test : ((t: string) => console.log(`  SKIPPED ${t}: ${CHROMIUM} is not installed`)) as unknown as typeof test)(
  'the page at 1400 and 400 px: thumbnails, a click and the random button segment, names stay text', async () => {
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(path.join(tmpdir(), 'segnet-uq-chromium-'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    mkdirSync(ARTIFACTS, { recursive: true });
    try {
      for (const width of [1400, 400]) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 2 });
        const page = await context.newPage();
        const dialogs: string[] = [];
        page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
        await page.goto(base, { waitUntil: 'load' });
        await page.locator('#galleryGrid button').nth(3).waitFor({ timeout: 10_000 });
        const names = (await page.evaluate(`Array.from(document.querySelectorAll('#galleryGrid button')).map((b) => b.title)`)) as string[];
        assert.ok(names.includes(HOSTILE), 'the hostile name is a title, as text');
        assert.is(await page.evaluate(`document.querySelectorAll('img[src="x"]').length`), 0, 'no element came from a name');
        await page.locator('#galleryGrid button[title="a.png"]').click();
        await page.waitForSelector('body[data-state="done"]', { timeout: 20_000 });
        assert.is(await page.evaluate(`document.getElementById('classMap').naturalWidth`), 320);
        await page.click('#random');
        await page.waitForSelector('#galleryGrid button.picked', { timeout: 5000 });
        await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 20_000 });
        const box = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        assert.ok(box <= width, `${width}: page ${box} px wide`);
        await page.screenshot({ path: path.join(ARTIFACTS, `serve-gallery-${width}.png`) });
        assert.equal(dialogs, []);
        await context.close();
      }
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

test.run();
