import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCalibrate } from '../lib/commands/calibrate';
import { runMerge } from '../lib/commands/merge';
import { runShift } from '../lib/commands/shift';
import { parseShard } from '../lib/shard';
import { Segmenter } from '../lib/engine/segmenter';
import { decodeLabel } from '../lib/image';
import { resizeMaps } from '../lib/report/resize-maps';
import { SHIFT_CHART_METRICS, shiftMetricChartConfig } from '../lib/shift/charts';
import { harmonicMean, readShiftResult, type ShiftResult } from '../lib/shift/result';
import { IGNORE, makeCommandProject } from './fixtures/command-project';
import { rejectsError } from './fixtures/throws';

const project = makeCommandProject({ count: 3 });
const SAMPLES = 3;
const SEED = 5;
const base = { model: project.model, card: project.card, inputs: [project.images], labels: project.labels, samples: SAMPLES, seed: SEED };
let shift: ShiftResult;

const run = suite('runShift');

run('rows: clean first, then corruption x severity; the clean row is calibrate\'s metrics on the same images and seed', async () => {
  shift = await runShift({ ...base, out: path.join(project.dir, 'shift'), corruptions: ['gaussian-noise', 'brightness'], severities: [1, 5] });
  assert.equal(shift.rows.map((r) => `${r.corruption}.${r.severity}`), ['none.0', 'gaussian-noise.1', 'gaussian-noise.5', 'brightness.1', 'brightness.5']);
  assert.is(shift.errors.length, 0);
  const { calibration } = await runCalibrate({ ...base, out: path.join(project.dir, 'calibrate') });
  const { meanEntropy, meanMutualInformation, ...clean } = shift.rows[0].metrics;
  assert.equal(JSON.parse(JSON.stringify(clean)), JSON.parse(JSON.stringify(calibration.metrics)));
  assert.ok(meanEntropy !== null && meanMutualInformation !== null);
  const file = readShiftResult(path.join(project.dir, 'shift'));
  assert.equal(file.result.rows.map((r) => r.metrics.meanIoU), shift.rows.map((r) => r.metrics.meanIoU));
  assert.ok(existsSync(path.join(project.dir, 'shift', 'index.html')));
});

run('meanEntropy and meanMutualInformation: the means over the labelled pixels at label resolution (slow reference)', async () => {
  const seg = await Segmenter.create({ model: project.model, card: project.card });
  let n = 0, h = 0, mi = 0;
  try {
    for (const file of project.files) {
      const r = await seg.sample(await seg.prepare(readFileSync(file), file), { samples: SAMPLES, seed: SEED });
      const label = decodeLabel(readFileSync(path.join(project.labels, path.basename(file))));
      const maps = resizeMaps(r.maps, label.width, label.height);
      for (let i = 0; i < label.data.length; i++) {
        if (label.data[i] === IGNORE) continue;
        n++;
        h += maps.predictiveEntropy[i];
        mi += maps.mutualInformation[i];
      }
    }
  } finally {
    await seg.release();
  }
  const m = shift.rows[0].metrics;
  assert.ok(Math.abs((m.meanEntropy as number) - h / n) < 1e-6, `${m.meanEntropy} vs ${h / n}`);
  assert.ok(Math.abs((m.meanMutualInformation as number) - mi / n) < 1e-6, `${m.meanMutualInformation} vs ${mi / n}`);
});

run('corruptions change the numbers; the same seed gives the same numbers; summary rows average over corruptions', async () => {
  assert.not.equal(shift.rows[2].metrics.calibration.nll, shift.rows[0].metrics.calibration.nll);
  const again = await runShift({ ...base, out: path.join(project.dir, 'shift-again'), corruptions: ['gaussian-noise', 'brightness'], severities: [1, 5] });
  assert.equal(again.rows.map((r) => r.metrics), shift.rows.map((r) => r.metrics));
  const s5 = shift.bySeverity.find((s) => s.severity === 5);
  assert.ok(s5);
  const want = ((shift.rows[2].metrics.calibration.ece as number) + (shift.rows[4].metrics.calibration.ece as number)) / 2;
  assert.ok(Math.abs((s5?.ece as number) - want) < 1e-15);
  assert.is(shift.bySeverity[0].severity, 0);
  assert.is(shift.harmonicScore, harmonicMean(shift.rows.slice(1).map((r) => r.score)));
});

run('page and charts: a line per corruption from the clean point, the mean in black, a reliability diagram per severity', () => {
  const dir = path.join(project.dir, 'shift');
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  for (const key of ['miou', 'ece', 'nll', 'entropy', 'mi', 'auroc']) {
    assert.ok(existsSync(path.join(dir, 'charts', `shift-${key}.png`)), key);
    assert.match(html, `src="charts/shift-${key}.png"`);
  }
  for (const s of [0, 1, 5]) assert.ok(existsSync(path.join(dir, 'charts', `shift-reliability-${s}.png`)), `reliability ${s}`);
  const config = shiftMetricChartConfig(shift, SHIFT_CHART_METRICS[0]);
  const sets = config.data.datasets as unknown as { label: string; data: { x: number; y: number }[] }[];
  assert.equal(sets.map((d) => d.label), ['gaussian-noise', 'brightness', 'mean over corruptions']);
  assert.equal(sets[0].data, [0, 1, 5].map((x) => ({ x, y: shift.rows.find((r) => r.corruption === (x === 0 ? 'none' : 'gaussian-noise') && r.severity === x)?.metrics.meanIoU })));
  assert.equal(sets[2].data.map((p) => p.y), shift.bySeverity.map((b) => b.meanIoU));
});

run('harmonic mean: n / sum(1 / x); 0 when one is 0; null when one is missing', () => {
  assert.ok(Math.abs((harmonicMean([0.5, 0.25]) as number) - 2 / (2 + 4)) < 1e-15);
  assert.is(harmonicMean([0.5, 0]), 0);
  assert.is(harmonicMean([0.5, null]), null);
});

run('--save-images writes each corrupted image; without it none is written', async () => {
  const out = path.join(project.dir, 'shift-images');
  await runShift({ ...base, out, corruptions: ['pixelate'], severities: [3], saveImages: true });
  assert.equal(readdirSync(path.join(out, 'images')), ['pixelate-3']);
  assert.is(readdirSync(path.join(out, 'images', 'pixelate-3')).length, 3);
  assert.not.ok(existsSync(path.join(project.dir, 'shift', 'images')));
});

run('--shard runs merge into the one run\'s rows (merge)', async () => {
  const dirs = [0, 1].map((i) => path.join(project.dir, `shard-${i}`));
  for (let i = 0; i < 2; i++) {
    await runShift({ ...base, out: dirs[i], corruptions: ['gaussian-noise', 'brightness'], severities: [1, 5], shard: parseShard(`${i}/2`) });
  }
  const merged = runMerge({ inputs: dirs, out: path.join(project.dir, 'merged') });
  assert.ok(merged.shift);
  assert.is(merged.shift?.images, 3);
  assert.equal(JSON.parse(JSON.stringify(merged.shift?.rows.map((r) => r.metrics))), JSON.parse(JSON.stringify(shift.rows.map((r) => r.metrics))));
  assert.equal(merged.shift?.bySeverity, shift.bySeverity);
  assert.ok(existsSync(path.join(project.dir, 'merged', 'charts', 'shift-ece.png')));
});

run('--resume: a stopped run goes on from its checkpoint to the one run\'s numbers; other settings are refused', async () => {
  const dir = path.join(project.dir, 'shift-resume');
  const opts = { ...base, out: dir, corruptions: ['gaussian-noise', 'brightness'], severities: [1, 5] };
  const stop = new AbortController();
  const first = await runShift({ ...opts, signal: stop.signal, onEvent: (e) => { if (e.type === 'image') stop.abort(); } });
  assert.is(first.complete, false);
  assert.is(first.done?.length, 1, 'the first image, every condition of it');
  assert.is(first.rows[3].metrics.images, 1);
  const events: string[] = [];
  const resumed = await runShift({ ...opts, resume: true, onEvent: (e) => { if (e.type === 'image') events.push(e.resumed ? 'reused' : 'sampled'); } });
  assert.equal(events, ['reused', 'sampled', 'sampled']);
  assert.is(resumed.complete, true);
  assert.equal(resumed.rows.map((r) => r.metrics), shift.rows.map((r) => r.metrics));
  await rejectsError(() => runShift({ ...opts, seed: SEED + 1, resume: true }), RangeError, /--resume: .*shift.json was made with other settings/);
});

run('usage errors name the flag before any folder is made', async () => {
  const out = path.join(project.dir, 'never');
  await rejectsError(() => runShift({ ...base, out, corruptions: ['rain'] }), RangeError, /unknown corruption 'rain'/);
  await rejectsError(() => runShift({ ...base, out, severities: [6] }), RangeError, /--severities: severity must be an integer 1-5, got 6/);
  await rejectsError(() => runShift({ ...base, out, corruptions: ['fog', 'fog'] }), RangeError, /--corruptions: fog is given twice/);
  await rejectsError(() => runShift({ ...base, out, labels: '' }), RangeError, /--labels is required/);
  assert.not.ok(existsSync(out));
});

run.after(() => project.cleanup());
run.run();
