/**
 * audit.html: the page's content (gates, classes, slices with drift, worst images, escaping)
 * and, with --single-file, one file under its budget that opens offline in headless Chromium
 * with every thumbnail decoded (skipped with a message when /usr/bin/chromium is absent).
 */
import { existsSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGateFlag } from '../lib/audit/gates';
import { SINGLE_FILE_BUDGET_BYTES } from '../lib/audit/page';
import { runAudit, type AuditOptions } from '../lib/commands/audit';
import { makeCommandProject } from './fixtures/command-project';
import { CHROMIUM, openOffline } from './fixtures/offline-page';

const project = makeCommandProject({ count: 4 });
const run = (out: string, extra: Partial<AuditOptions> = {}) => runAudit({
  model: project.model, card: project.card, inputs: [project.images], labels: project.labels, out: path.join(project.dir, out), samples: 3,
  gates: [parseGateFlag('min', 'meanIoU=0'), parseGateFlag('warn-max-slice-gap', 'meanIoU=0.5')], images: false, ...extra,
});

const page = suite('audit.html');

page('content: gates, per-class IoU, slices with drift against the baseline, worst images; names escaped', async () => {
  await run('base');
  const r = await run('cand', { baseline: path.join(project.dir, 'base'), gates: [parseGateFlag('max-drop', 'meanIoU=0')] });
  const html = readFileSync(path.join(project.dir, 'cand', 'audit.html'), 'utf8');
  assert.match(html, /<h1>segnet-uq audit: passed<\/h1>/);
  assert.match(html, /mIoU drop &lt;= 0 vs baseline/);
  assert.match(html, /Road &amp; &quot;lane&quot;/);
  assert.not.match(html, /<b>/, 'the class name "Sky <b>" is text');
  assert.match(html, /<h2>Slices<\/h2>/);
  assert.ok(r.sliceDrift.length > 0 && r.sliceDrift.every((d) => d.baselineMeanEntropy !== null), 'every slice matched the baseline');
  assert.ok(r.sliceDrift.every((d) => d.meanEntropy === d.baselineMeanEntropy), 'same model, same seed: no drift');
  assert.match(html, /Changed most against the baseline/);
  // without --single-file the thumbnails are files beside the page
  const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(srcs.length > 0 && srcs.every((s) => s.startsWith('audit-images/') && existsSync(path.join(project.dir, 'cand', s))));
});

page('--single-file: data: thumbnails only, under the budget', async () => {
  const r = await run('single', { singleFile: true });
  const file = path.join(project.dir, 'single', 'audit.html');
  const html = readFileSync(file, 'utf8');
  const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(srcs.length >= 3);
  assert.ok(srcs.every((s) => s.startsWith('data:image/png;base64,')));
  assert.not.match(html, /(href|src)="(?!data:|#)/, 'nothing else referenced');
  assert.ok(statSync(file).size < SINGLE_FILE_BUDGET_BYTES);
  assert.equal(r.warnings, []);
  assert.not.ok(existsSync(path.join(project.dir, 'single', 'audit-images')));
});

const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.log(`  SKIPPED audit-page browser check: ${CHROMIUM} is not installed (.ci/run installs chromium)`);
if (HAVE_CHROMIUM) page('--single-file page opens offline in headless Chromium: no request, every thumbnail decoded, no error', async () => {
  const visit = await openOffline(path.join(project.dir, 'single', 'audit.html'));
  assert.equal(visit.requests, []);
  assert.equal(visit.errors, []);
  assert.ok(visit.images.length >= 3);
  for (const i of visit.images) assert.ok(i.src === 'data' && i.width > 0, JSON.stringify(i));
  assert.is(visit.title, 'segnet-uq audit');
});

page.after(() => project.cleanup());
page.run();
