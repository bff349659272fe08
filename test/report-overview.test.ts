/**
 * The report page's overview: the histogram against numpy.histogram, and the whole index.html of
 * a labelled run in headless Chromium (playwright-core, /usr/bin/chromium; SKIPPED without it): no
 * console error, every image loads, the overview charts are there and open full size on click.
 * Saves test-artifacts/report.png.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { histogram } from '../lib/report/overview';
import { makeCommandProject } from './fixtures/command-project';
import { PYTHON, pythonHas } from './fixtures/python-check';

const hist = suite('histogram');

const VALUES = [0.1, 0.15, 0.2, 0.2, 0.33, 0.5, 0.51, 0.9, 1.0, 0.0, 0.42];

hist('equal-width bins: 7 bins from the minimum to the maximum, every value counted once', () => {
  const h = histogram(VALUES, 7);
  assert.is(h.count.length, 7);
  assert.is(h.count.reduce((a, b) => a + b, 0), VALUES.length);
  for (let b = 0; b < 7; b++) assert.ok(Math.abs(h.lower[b] - b / 7) < 1e-12, `lower[${b}] = ${h.lower[b]}`);
});

if (!pythonHas('numpy')) console.log('  SKIPPED numpy.histogram comparison: /usr/bin/python3 lacks numpy');
else {
  hist('the last bin closed, counts and edges as numpy.histogram', () => {
    const h = histogram(VALUES, 7);
    const py = spawnSync(PYTHON, ['-c', `import numpy, json; c, e = numpy.histogram(${JSON.stringify(VALUES)}, bins=7); print(json.dumps([c.tolist(), e.tolist()]))`], { encoding: 'utf8' });
    const [counts, edges] = JSON.parse(py.stdout) as [number[], number[]];
    assert.equal(h.count, counts);
    for (let b = 0; b < 7; b++) assert.ok(Math.abs(h.lower[b] - edges[b]) < 1e-12);
  });
}

hist('all equal and empty', () => {
  assert.equal(histogram([2, 2, 2], 5).count, [3]);
  assert.equal(histogram([], 5).count, []);
});

const CHROMIUM = '/usr/bin/chromium';
const page = suite('index.html in headless Chromium');

if (!existsSync(CHROMIUM)) console.log(`  SKIPPED report page browser test: ${CHROMIUM} is not installed (.ci/run installs chromium)`);
else {
  page('overview, every image loads, no console error, charts open full size', async () => {
    const project = makeCommandProject({ count: 4 });
    const out = mkdtempSync(path.join(tmpdir(), 'segnet-uq-page-'));
    const summary = await runReport({ inputs: [project.images], labels: project.labels, out, model: project.model, card: project.card, samples: 3 });
    assert.is(summary.images.length, 4);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    assert.ok(html.indexOf('id="overview"') < html.indexOf('<h2>Images</h2>'), 'overview at the top');
    for (const chart of ['overview-entropy.png', 'overview-mi.png', 'overview-accuracy.png']) assert.ok(existsSync(path.join(out, 'charts', chart)), chart);

    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(path.join(tmpdir(), 'segnet-uq-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await context.newPage();
      const problems: string[] = [];
      tab.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      tab.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
      await tab.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' });
      // lazy images load when scrolled to: make them eager and wait for each (expressions as strings: no DOM types here)
      const broken = (await tab.evaluate(`Promise.all(Array.from(document.images).map((i) => { i.loading = 'eager';
        return i.decode().then(() => i.naturalWidth > 0 ? null : i.getAttribute('src'), () => i.getAttribute('src')); }))
        .then((r) => r.filter(Boolean))`)) as string[];
      assert.equal(broken, [], 'every image loads');
      const count = (await tab.evaluate('document.images.length')) as number;
      assert.ok(count >= 4 * 6 + 3, `${count} images on the page`);
      const shown = (await tab.evaluate(`document.querySelector('#overview img').getBoundingClientRect().width`)) as number;
      const [popup] = await Promise.all([context.waitForEvent('page'), tab.click('#overview figure a')]);
      await popup.waitForLoadState('load');
      assert.match(popup.url(), /charts\/overview-entropy\.png$/);
      const full = (await popup.evaluate(`document.images[0].naturalWidth`)) as number;
      assert.is(full, 1280, 'the chart at its full size (its PNG is drawn at device-pixel ratio 2)');
      assert.ok(full > shown, `opened (${full} px) larger than shown (${shown} px)`);
      assert.equal(problems, []);
      const artifacts = path.join(__dirname, '..', 'test-artifacts');
      mkdirSync(artifacts, { recursive: true });
      await tab.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: false });
    } finally {
      await context.close();
      project.cleanup();
    }
  });
}

hist.run();
page.run();
