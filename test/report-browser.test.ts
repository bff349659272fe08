/**
 * The report page as a reader sees it (issue 31, frictions 10, 11, 15): calibrate's index.html
 * in headless Chromium (playwright-core, /usr/bin/chromium; skipped with a message when absent)
 * at 1400 and 400 CSS pixels wide, device-pixel ratio 2. Charts are shown at the size they were
 * drawn, so their 12 px text is at least 10 px as rendered; their PNGs hold twice the pixels;
 * table thumbnails too; the page itself never scrolls sideways (the table scrolls in its box) and
 * file names are not broken one letter per line; the label, error map and error overlay load.
 * Saves test-artifacts/report-1400.png and report-400.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCalibrate } from '../lib/commands/calibrate';
import { CHART_DPR, CHART_FONT_PX } from '../lib/report/chart-render';
import { buildPng, tempDir, tinyModelDir } from './fixtures/report-inputs';
import { CHROMIUM } from './fixtures/offline-page';

const skipped = ((title: string): void => console.log(`  SKIPPED ${title}: ${CHROMIUM} is not installed (.ci/run installs chromium)`)) as unknown as typeof test;
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');

interface Layout {
  readonly pageWidth: number;
  readonly charts: { src: string; shown: number; natural: number; attr: number }[];
  readonly thumbs: { shown: number; src: string }[];
  readonly nameCells: number[];
  readonly labelImages: number[];
}

(existsSync(CHROMIUM) ? test : skipped)('report page at 1400 and 400 px: charts at display size with DPR 2, text >= 10 px, responsive table, label figures', async () => {
  const model = tinyModelDir();
  const images = tempDir(), labels = tempDir(), out = tempDir();
  const W = 64, H = 48;
  for (const name of ['a-rather-long-file-name-from-a-camera-roll-0001.png', 'b.png']) {
    writeFileSync(path.join(images, name), buildPng({ width: W, height: H }));
    writeFileSync(path.join(labels, name), buildPng({ width: W, height: H, colorType: 0, samples: Array.from({ length: W * H }, (_, i) => Math.floor((i % W) / 22)) }));
  }
  await runCalibrate({ inputs: [images], out, model: model.model, samples: 2, labels, bins: 10 });
  const url = pathToFileURL(path.join(out, 'index.html')).href;
  const profile = mkdtempSync(path.join(tmpdir(), 'segnet-uq-chromium-'));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    for (const width of [1400, 400]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 2 });
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'load' });
      // lazy images: scroll through the page so each loads
      await page.evaluate('(async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) { window.scrollTo(0, y); await new Promise((r) => setTimeout(r, 20)); } window.scrollTo(0, 0); })()');
      await page.waitForFunction('Array.from(document.images).every((i) => i.complete)', undefined, { timeout: 10_000 });
      const layout = (await page.evaluate(`({
        pageWidth: document.documentElement.scrollWidth,
        charts: Array.from(document.querySelectorAll('figure.chart img')).map((i) => ({ src: i.getAttribute('src'), shown: i.getBoundingClientRect().width, natural: i.naturalWidth, attr: Number(i.getAttribute('width')) })),
        thumbs: Array.from(document.querySelectorAll('img.thumb')).map((i) => ({ shown: i.getBoundingClientRect().width, src: decodeURIComponent(i.getAttribute('src')) })),
        nameCells: Array.from(document.querySelectorAll('.table-wrap td.name')).map((td) => td.getBoundingClientRect().width),
        labelImages: Array.from(document.querySelectorAll('img[src$="label.png"], img[src$="errors.png"], img[src$="entropy-errors.png"]')).map((i) => i.naturalWidth),
      })`)) as Layout;
      await page.screenshot({ path: path.join(ARTIFACTS, `report-${width}.png`), fullPage: true });
      await context.close();

      assert.ok(layout.pageWidth <= width, `${width}: the page is ${layout.pageWidth} px wide (its content must fit or scroll in its own box)`);
      assert.ok(layout.charts.length >= 7, `${width}: ${layout.charts.length} charts`);
      for (const c of layout.charts) {
        assert.is(c.natural, CHART_DPR * c.attr, `${c.src}: PNG at DPR ${CHART_DPR}`);
        const textPx = (CHART_FONT_PX * c.shown) / c.attr;
        assert.ok(textPx >= 10, `${width}: ${c.src} shown ${c.shown} px wide for ${c.attr}: its text is ${textPx.toFixed(1)} px`);
      }
      assert.is(layout.thumbs.length, 2);
      for (const t of layout.thumbs) {
        const pngWidth = readFileSync(path.join(out, t.src)).readUInt32BE(16); // IHDR width
        assert.ok(Math.abs(pngWidth - 2 * t.shown) <= 1, `thumbnail of ${pngWidth} px shown at ${t.shown} CSS px`);
      }
      for (const w of layout.nameCells) assert.ok(w >= 100, `${width}: a file-name cell is ${w} px wide`);
      assert.equal(layout.labelImages.length, 6, 'label, errors, error overlay of two images');
      assert.ok(layout.labelImages.every((n) => n === W), `label figures loaded: ${layout.labelImages.join(',')}`);
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test.run();
