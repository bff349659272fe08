import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCalibrate } from '../lib/commands/calibrate';
import { runSamples } from '../lib/commands/samples';
import { decodeImage } from '../lib/image';
import { formatSamplesTable } from '../lib/report/samples-table';
import { Segmenter } from '../lib/engine/segmenter';
import type { UncertaintyMaps } from '../lib/engine/types';
import { type CommandProject, IGNORE, makeCommandProject } from './fixtures/command-project';
import { buildPng, rejects } from './fixtures/report-inputs';

const project = makeCommandProject({ count: 3 });

function maxDiff(a: UncertaintyMaps, b: UncertaintyMaps): number {
  let d = 0;
  for (const key of ['meanProbs', 'variance', 'predictiveEntropy', 'expectedEntropy', 'mutualInformation', 'meanVariance'] as const) {
    const x = a[key], y = b[key];
    assert.is(x.length, y.length, key);
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
const nested = suite('the nested sweep (sample with snapshots): count k equals an independent N=k run');

for (const batch of [1, 3]) {
  nested(`batch ${batch}`, async () => {
    const seg = await Segmenter.create({ model: project.model, card: project.card, batch });
    try {
      const prepared = await seg.prepare(readFileSync(project.files[0]), project.files[0]);
      const ks = [1, 2, 5, 7];
      const run = await seg.sample(prepared, { samples: 7, seed: 42, snapshots: ks });
      const sweep = { maps: (run.snapshots ?? []).map((x) => x.maps), ms: (run.snapshots ?? []).map((x) => x.ms) };
      assert.is(sweep.maps.length, ks.length);
      assert.is(sweep.maps[3], run.maps, 'the last snapshot is the run (one object: finished once)');
      for (let j = 0; j < ks.length; j++) {
        const alone = await seg.sample(prepared, { samples: ks[j], seed: 42 });
        assert.is(sweep.maps[j].samples, ks[j]);
        assert.equal(Array.from(sweep.maps[j].predicted), Array.from(alone.maps.predicted), `argmax at N=${ks[j]}`);
        const d = maxDiff(sweep.maps[j], alone.maps);
        // batch 1: the same chunks in the same order, bit-identical; else chunk boundaries differ
        // (and N=1 alone is one run of the whole graph, lib/engine/single-pass.ts: other fusions)
        if (batch === 1 && ks[j] > 1) assert.is(d, 0, `N=${ks[j]}`);
        else assert.ok(d < 1e-6, `N=${ks[j]}: max diff ${d}`);
        if (j > 0) assert.ok(sweep.ms[j] >= sweep.ms[j - 1], 'cumulative time');
      }
      // a different seed gives different samples
      const other = await seg.sample(prepared, { samples: 5, seed: 43, snapshots: [5] });
      assert.ok(maxDiff((other.snapshots ?? [])[0].maps, sweep.maps[2]) > 1e-4);
      // counts must be ascending and within the samples
      await rejects(() => seg.sample(prepared, { samples: 5, seed: 1, snapshots: [2, 1] }), /snapshots must be ascending integers in 1\.\.5/);
      await rejects(() => seg.sample(prepared, { samples: 5, seed: 1, snapshots: [6] }), /snapshots must be ascending/);
    } finally {
      await seg.release();
    }
  });
}

nested.run();

// ---------------------------------------------------------------------------------------------
const run = suite('runSamples');

run('rows per count, label metrics, agreement 1 at the largest count, files written', async () => {
  const out = path.join(project.dir, 'samples-out');
  const result = await runSamples({ model: project.model, card: project.card, inputs: [project.images], labels: project.labels, counts: [4, 1, 2], seed: 3, out });
  assert.equal(result.counts, [1, 2, 4]);
  assert.is(result.images, 3);
  assert.is(result.labelledImages, 3);
  assert.is(result.errors.length, 0);
  assert.is(result.rows.length, 3);
  for (const r of result.rows) {
    for (const v of [r.meanIoU, r.globalAccuracy, r.ece, r.agreement]) assert.ok(v !== null && v >= 0 && v <= 1, String(v));
    assert.ok((r.meanEntropy ?? -1) >= 0 && (r.meanMutualInformation ?? -1) >= 0);
  }
  assert.is(result.rows[2].agreement, 1);
  assert.ok((result.rows[0].meanMutualInformation as number) < 1e-6, 'one sample has (almost) no mutual information');
  for (const f of ['samples.json', 'samples.png', 'samples-uncertainty.png']) assert.ok(existsSync(path.join(out, f)), f);
  const json = JSON.parse(readFileSync(path.join(out, 'samples.json'), 'utf8')) as { rows: unknown[] };
  assert.equal(json.rows, JSON.parse(JSON.stringify(result.rows)));
  const table = formatSamplesTable(result);
  assert.match(table, /^\s*N\s+mIoU/);
  assert.is(table.trim().split('\n').length, 4);
});

/**
 * The slow reference for one count: each image sampled by the Segmenter (the same seed and image
 * key), then confusion, mIoU, accuracy and 15-bin ECE in plain float64 loops at the labels'
 * resolution (the project's images are the model's 8x8, so no resize stands between).
 */
async function slowRow(p: CommandProject, samples: number, seed: number): Promise<{ meanIoU: number; globalAccuracy: number; ece: number }> {
  const seg = await Segmenter.create({ model: p.model, card: p.card });
  const C = 4, BINS = 15;
  const cm = new Float64Array(C * C), count = new Float64Array(BINS), correct = new Float64Array(BINS), conf = new Float64Array(BINS);
  try {
    for (const file of p.files) {
      const { maps } = await seg.sample(await seg.prepare(readFileSync(file), file), { samples, seed });
      const labels = decodeImage(readFileSync(path.join(p.labels, path.basename(file)))).data;
      const n = maps.width * maps.height;
      for (let i = 0; i < n; i++) {
        const y = labels[i * 3];
        if (y === IGNORE) continue;
        let best = 0;
        for (let c = 1; c < C; c++) if (maps.meanProbs[c * n + i] > maps.meanProbs[best * n + i]) best = c;
        const confidence = maps.meanProbs[best * n + i];
        cm[y * C + best]++;
        const b = Math.min(BINS - 1, Math.floor(confidence * BINS));
        count[b]++;
        conf[b] += confidence;
        if (best === y) correct[b]++;
      }
    }
  } finally {
    await seg.release();
  }
  const total = count.reduce((a, b) => a + b, 0);
  const ious: number[] = [];
  for (let k = 0; k < C; k++) {
    let row = 0, col = 0;
    for (let j = 0; j < C; j++) { row += cm[k * C + j]; col += cm[j * C + k]; }
    const union = row + col - cm[k * C + k];
    if (union > 0) ious.push(cm[k * C + k] / union);
  }
  let diag = 0, ece = 0;
  for (let k = 0; k < C; k++) diag += cm[k * C + k];
  for (let b = 0; b < BINS; b++) ece += Math.abs(correct[b] - conf[b]) / total;
  return { meanIoU: ious.reduce((a, b) => a + b, 0) / ious.length, globalAccuracy: diag / total, ece };
}

run("the table's mIoU, accuracy and ECE for each N equal calibrate's with that N and seed, and a slow reference", async () => {
  const p = makeCommandProject({ count: 3, width: 8, height: 8 });
  try {
    const seed = 5;
    const result = await runSamples({ model: p.model, card: p.card, inputs: [p.images], labels: p.labels, counts: [1, 3, 6], seed });
    assert.equal(result.rows.map((r) => r.samples), [1, 3, 6]);
    for (const row of result.rows) {
      const { calibration } = await runCalibrate({ model: p.model, card: p.card, inputs: [p.images], labels: p.labels, samples: row.samples, seed, out: path.join(p.dir, `cal-${row.samples}`) });
      const cal = calibration.metrics;
      const slow = await slowRow(p, row.samples, seed);
      const got = [row.meanIoU, row.globalAccuracy, row.ece] as number[];
      // chunking differs (the sweep runs to 6 in chunks, calibrate to N): maps agree to ~1e-7
      for (const [name, want] of [['calibrate', [cal.meanIoU, cal.globalAccuracy, cal.calibration.ece]], ['slow reference', [slow.meanIoU, slow.globalAccuracy, slow.ece]]] as const) {
        got.forEach((v, k) => assert.ok(Math.abs(v - (want[k] as number)) < 1e-6, `N=${row.samples} ${['mIoU', 'accuracy', 'ECE'][k]}: samples ${v}, ${name} ${want[k]}`));
      }
    }
    assert.ok(result.rows[0].ece !== result.rows[2].ece, 'N changes the numbers (else the comparison would be idle)');
  } finally {
    p.cleanup();
  }
});

run('without labels: uncertainty rows only, no files without out', async () => {
  const result = await runSamples({ model: project.model, card: project.card, inputs: [project.files[1]], counts: [1, 3] });
  assert.is(result.rows[0].meanIoU, null);
  assert.is(result.rows[1].ece, null);
  assert.ok(result.rows[1].agreement === 1);
  assert.is(result.charts, undefined);
});

run('a missing label is an error entry; the image still counts for uncertainty', async () => {
  const labels = path.join(project.dir, 'no-labels'); // the folder exists (a missing one is a usage error), the image's label does not
  mkdirSync(labels, { recursive: true });
  const result = await runSamples({ model: project.model, card: project.card, inputs: [project.files[0]], labels, counts: [1] });
  assert.is(result.images, 1);
  assert.is(result.labelledImages, 0);
  assert.is(result.errors.length, 1);
  assert.match(result.errors[0].message, /no label named like it/);
});

run('a label value outside the classes is an error entry naming the pixel; the image still counts', async () => {
  const labels = path.join(project.dir, 'bad-labels');
  mkdirSync(labels, { recursive: true });
  const name = path.basename(project.files[0]);
  writeFileSync(path.join(labels, name), buildPng({ width: 16, height: 12, colorType: 0, samples: Array.from({ length: 16 * 12 }, (_, i) => (i === 16 + 3 ? 7 : 0)) }));
  const result = await runSamples({ model: project.model, card: project.card, inputs: [project.files[0]], labels, counts: [1, 2] });
  assert.is(result.images, 1);
  assert.is(result.labelledImages, 0);
  assert.equal(result.errors, [{ file: path.join(labels, name), message: 'label value 7 at pixel (3, 1) is not a class (0..3) nor the ignore index 9' }]);
  assert.is(result.rows[1].meanIoU, null, 'no count scored against the bad label');
});

run('a missing input is an error entry, not a crash; when it is the only one, a usage error (issue 25)', async () => {
  const none = path.join(project.dir, 'none');
  const result = await runSamples({ model: project.model, card: project.card, inputs: [project.files[0], none], counts: [1] });
  assert.is(result.images, 1);
  assert.is(result.errors.length, 1);
  assert.match(result.errors[0].message, /no such file or folder/);
  await rejects(() => runSamples({ model: project.model, card: project.card, inputs: [none], counts: [1] }), /none: no such file or folder: nothing to process/);
});

run.after(() => project.cleanup());
run.run();
