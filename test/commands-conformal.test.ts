/**
 * runConformal and --conformal on the tiny segnet-mini project, against a slow reference: each
 * image sampled on its own, each pixel's LAC set built by hand, each image's loss at every grid
 * threshold, and get_lhat's rule (the last threshold before the first violation).
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runConformal } from '../lib/commands/conformal';
import { auditCalibrationFile, auditExitCode, runAudit } from '../lib/commands/audit';
import { runMerge } from '../lib/commands/merge';
import { runReport } from '../lib/commands/report';
import { GRID } from '../lib/conformal/scores';
import { Segmenter } from '../lib/engine/segmenter';
import { decodeLabel } from '../lib/image';
import { FileError } from '../lib/errors';
import { resizeMaps } from '../lib/report/resize-maps';
import { parseShard } from '../lib/shard/spec';
import { IGNORE, makeCommandProject } from './fixtures/command-project';
import { rejectsError } from './fixtures/throws';

const project = makeCommandProject({ count: 12 });
const SAMPLES = 3, ALPHA = 0.3, C = 4;
const base = { model: project.model, card: project.card, inputs: [project.images], labels: project.labels, samples: SAMPLES, seed: 0 };

/** Per image: the probabilities at label resolution and the label. */
async function sampled(): Promise<{ probs: Float32Array; label: Uint8Array }[]> {
  const seg = await Segmenter.create({ model: project.model, card: project.card });
  try {
    const out = [];
    for (const file of project.files) {
      const r = await seg.sample(await seg.prepare(readFileSync(file), file), { samples: SAMPLES, seed: 0 });
      const label = decodeLabel(readFileSync(path.join(project.labels, path.basename(file))));
      out.push({ probs: resizeMaps(r.maps, label.width, label.height).meanProbs, label: label.data });
    }
    return out;
  } finally {
    await seg.release();
  }
}

/** An image's share of labelled pixels whose LAC set at t holds the true class. */
function coverage(im: { probs: Float32Array; label: Uint8Array }, t: number): number {
  const P = im.label.length;
  let hit = 0, n = 0;
  for (let i = 0; i < P; i++) {
    const y = im.label[i];
    if (y === IGNORE) continue;
    let top = 0;
    for (let c = 1; c < C; c++) if (im.probs[c * P + i] > im.probs[top * P + i]) top = c;
    n++;
    if (y === top || im.probs[y * P + i] >= t) hit++;
  }
  return hit / n;
}

let reference: { probs: Float32Array; label: Uint8Array }[] = [];
let threshold = -1;

test('conformal.json: the threshold of get_lhat\'s rule on the slow reference\'s losses', async () => {
  reference = await sampled();
  const n = reference.length;
  let expected = GRID[0];
  for (const t of GRID) {
    const risk = reference.reduce((a, im) => a + (1 - coverage(im, t)), 0) / n;
    if ((n / (n + 1)) * risk + 1 / (n + 1) > ALPHA) break;
    expected = t;
  }
  const { conformal } = await runConformal({ ...base, alpha: ALPHA, out: path.join(project.dir, 'fit') });
  assert.is(conformal.threshold, expected);
  assert.is(conformal.images, n);
  assert.is(conformal.samples, SAMPLES);
  assert.is(conformal.method, 'lac');
  threshold = conformal.threshold as number;
  const file = JSON.parse(readFileSync(path.join(project.dir, 'fit', 'conformal.json'), 'utf8'));
  assert.is(file.threshold, expected);
  assert.type(file.model.sha256, 'string');
  const page = readFileSync(path.join(project.dir, 'fit', 'index.html'), 'utf8');
  assert.match(page, /<h2>Conformal sets<\/h2>/);
  assert.ok(page.includes('Sky &lt;b&gt;') && !page.includes('Sky <b>'), 'class names are escaped');
});

test('report --conformal: per-image coverage and its mean, set-size.npy, the set-size map', async () => {
  const out = path.join(project.dir, 'use');
  const summary = await runReport({ ...base, conformal: path.join(project.dir, 'fit', 'conformal.json'), saveMaps: 'probs', out });
  const want = reference.map((im) => coverage(im, threshold));
  summary.images.forEach((img, i) => {
    assert.ok(Math.abs((img.conformal?.coverage as number) - want[i]) < 1e-12, `${img.file}: ${img.conformal?.coverage} vs ${want[i]}`);
    assert.ok(img.outputs?.setSize && existsSync(path.join(out, img.outputs.setSize)));
    assert.ok(img.outputs?.npy?.setSize && existsSync(path.join(out, img.outputs.npy.setSize)));
  });
  const m = summary.metrics?.conformal as { coverage: number; meanSetSize: number };
  assert.ok(Math.abs(m.coverage - want.reduce((a, b) => a + b, 0) / want.length) < 1e-12);
  assert.ok(m.meanSetSize >= 1);
});

test('a file fitted with other samples or seed is refused, naming the difference', async () => {
  await rejectsError(() => runReport({ ...base, samples: 2, seed: 5, conformal: path.join(project.dir, 'fit', 'conformal.json'), out: path.join(project.dir, 'other') }),
    FileError, /--samples 3 \(this run: 2\); --seed 0 \(this run: 5\)/);
});

test('a tampered conformal.json is refused naming the file, the field and the value', async () => {
  const good = JSON.parse(readFileSync(path.join(project.dir, 'fit', 'conformal.json'), 'utf8'));
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...good, threshold: 'x' }, /bad\.json: threshold must be a number in \[0, 1\], got 'x'/],
    [{ ...good, kind: 'segnet-uq audit' }, /bad\.json: kind must be "segnet-uq conformal", got 'segnet-uq audit'/],
    [{ ...good, classThresholds: [0.1] }, /classThresholds\.length must be 4 \(one per class\), got 1/],
    [{ ...good, stats: { ...good.stats, extra: [1] } }, /stats is damaged \(stats\.extra must be/],
  ];
  const bad = path.join(project.dir, 'bad.json');
  for (const [content, message] of cases) {
    writeFileSync(bad, JSON.stringify(content));
    await rejectsError(() => runReport({ ...base, conformal: bad, out: path.join(project.dir, 'bad-out') }), FileError, message);
  }
});

test('alpha that the images cannot certify is refused before any sampling, naming the images needed', async () => {
  await rejectsError(() => runConformal({ ...base, alpha: 0.05, out: path.join(project.dir, 'few') }), RangeError, /needs at least 19 labelled images.*holds 12/);
  assert.not.ok(existsSync(path.join(project.dir, 'few')));
});

test('shards merge into the fit of one run', async () => {
  const dirs = [0, 1].map((i) => path.join(project.dir, `shard-${i}`));
  for (const [i, out] of dirs.entries()) await runConformal({ ...base, alpha: ALPHA, out, shard: parseShard(`${i}/2`) });
  const merged = runMerge({ inputs: dirs, out: path.join(project.dir, 'merged') });
  assert.is(merged.conformal?.threshold, threshold);
  assert.is(merged.conformal?.images, 12);
});

test('audit --conformal --min-coverage: holds on the calibration images at 1 - alpha, breaks above their coverage', async () => {
  const fit = path.join(project.dir, 'fit', 'conformal.json');
  const held = await runAudit({ ...base, gates: [], conformal: fit, minCoverage: 1 - ALPHA, out: path.join(project.dir, 'audit-ok') });
  const gate = held.gates.find((g) => g.metric === 'conformalCoverage');
  assert.ok(gate?.passed, gate?.message);
  const broken = await runAudit({ ...base, gates: [], conformal: fit, minCoverage: 1, out: path.join(project.dir, 'audit-broken') });
  const g = broken.gates.find((x) => x.metric === 'conformalCoverage');
  assert.not.ok(g?.passed);
  assert.match(g?.message ?? '', /finite-sample slack/);
  assert.is(auditExitCode(broken), 1);
});

test('sharded audits with --min-coverage: merge checks the gate on every image, as one audit and audit --from do', async () => {
  const fit = path.join(project.dir, 'fit', 'conformal.json');
  const one = await runAudit({ ...base, gates: [], conformal: fit, minCoverage: 1 - ALPHA, out: path.join(project.dir, 'audit-one') });
  const dirs = [0, 1].map((i) => path.join(project.dir, `audit-shard-${i}`));
  for (const [i, out] of dirs.entries()) await runAudit({ ...base, gates: [], conformal: fit, minCoverage: 1 - ALPHA, out, shard: parseShard(`${i}/2`) });
  const merged = runMerge({ inputs: dirs, out: path.join(project.dir, 'audit-merged') });
  const gate = (gates: readonly { metric: string; measured: number | null; passed: boolean }[] | undefined) => gates?.find((g) => g.metric === 'conformalCoverage');
  const want = gate(one.gates);
  assert.ok(want && Math.abs((gate(merged.audit?.gates)?.measured as number) - (want.measured as number)) < 1e-12, JSON.stringify(merged.audit?.gates));
  assert.is(gate(merged.audit?.gates)?.passed, want?.passed);
  const from = auditCalibrationFile({ from: path.join(project.dir, 'audit-one'), out: path.join(project.dir, 'audit-from'), gates: [], minCoverage: 1 - ALPHA });
  assert.ok(Math.abs((gate(from.gates)?.measured as number) - (want?.measured as number)) < 1e-12);
});

test.after(() => project.cleanup());
test.run();
