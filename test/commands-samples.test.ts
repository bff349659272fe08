import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runSamples } from '../lib/commands/samples';
import { formatSamplesTable } from '../lib/report/samples-table';
import { Segmenter } from '../lib/engine/segmenter';
import type { UncertaintyMaps } from '../lib/engine/types';
import { makeCommandProject } from './fixtures/command-project';
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

run('a missing input is an error entry, not a crash', async () => {
  const result = await runSamples({ model: project.model, card: project.card, inputs: [path.join(project.dir, 'none')], counts: [1] });
  assert.is(result.images, 0);
  assert.is(result.errors.length, 1);
  assert.match(result.errors[0].message, /no such file or folder/);
});

run.after(() => project.cleanup());
run.run();
