/** merge: calibration runs over disjoint images add up to one run over all of them. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCalibrate, type CalibrateOptions } from '../lib/commands/calibrate';
import type { CalibrationReport } from '../lib/report/formats';
import { runMerge } from '../lib/commands/merge';
import { makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 4 });
const calibrate = (files: readonly string[], out: string, extra: Partial<CalibrateOptions> = {}): ReturnType<typeof runCalibrate> =>
  runCalibrate({ inputs: [...files], labels: project.labels, model: project.model, card: project.card, samples: 3, seed: 7, out, images: false, ...extra });
const dir = (name: string): string => path.join(project.dir, name);

/** Deep equality with numbers compared to 1e-9 relative: the merged sums add in another order. */
function close(actual: unknown, expected: unknown, where = 'metrics'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${where}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: length`);
    expected.forEach((v, i) => close((actual as unknown[])[i], v, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.equal(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [k, v] of Object.entries(expected)) close((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else {
    assert.is(actual, expected, where);
  }
}

test('two halves merged give the metrics of one run over every image, with charts and a page', async () => {
  const whole = await calibrate(project.files, dir('whole'));
  await calibrate(project.files.slice(0, 1), dir('a'));
  await calibrate(project.files.slice(1), dir('b'));
  const merged = runMerge({ inputs: [path.join(dir('a'), 'calibration.json'), dir('b')], out: dir('merged') }).calibration as CalibrationReport;
  assert.is(merged.metrics.images, 4);
  close(merged.metrics, whole.calibration.metrics);
  close(merged.stats, whole.calibration.stats, 'stats');
  assert.equal(merged.mergedFrom, [path.join(dir('a'), 'calibration.json'), path.join(dir('b'), 'calibration.json')]);
  const written = JSON.parse(readFileSync(path.join(dir('merged'), 'calibration.json'), 'utf8'));
  close(written.metrics, whole.calibration.metrics, 'written');
  for (const chart of Object.values(merged.charts)) assert.ok(existsSync(path.join(dir('merged'), chart)), chart);
  assert.match(readFileSync(path.join(dir('merged'), 'index.html'), 'utf8'), /2 runs merged/);
});

test('runs made with other settings, damaged files and too few inputs are refused, naming the file', async () => {
  await calibrate(project.files.slice(0, 1), dir('bins5'), { bins: 5 });
  await calibrate(project.files.slice(0, 1), dir('seed8'), { seed: 8 });
  const a = path.join(dir('a'), 'calibration.json');
  assert.throws(() => runMerge({ inputs: [a, dir('bins5')], out: dir('x') }), (e: Error) => /bins5.calibration\.json: bins 5 differs from 15 in .*a.calibration\.json/.test(e.message));
  assert.throws(() => runMerge({ inputs: [a, dir('seed8')], out: dir('x') }), (e: Error) => /seed 8 differs from 7/.test(e.message));
  assert.throws(() => runMerge({ inputs: [a], out: dir('x') }), (e: Error) => e instanceof RangeError && /two or more/.test(e.message));
  assert.throws(() => runMerge({ inputs: [a, dir('a')], out: dir('x') }), (e: Error) => /a.calibration\.json is given twice/.test(e.message));
  mkdirSync(dir('junk'));
  writeFileSync(path.join(dir('junk'), 'calibration.json'), '{"schemaVersion": 1');
  assert.throws(() => runMerge({ inputs: [a, dir('junk')], out: dir('x') }), (e: Error) => /junk.calibration\.json: not JSON/.test(e.message));
  writeFileSync(path.join(dir('junk'), 'calibration.json'), '{"schemaVersion": 2, "stats": {"numClasses": 4}}');
  assert.throws(() => runMerge({ inputs: [a, dir('junk')], out: dir('x') }), (e: Error) => /junk.calibration\.json: its stats are damaged/.test(e.message));
  writeFileSync(path.join(dir('junk'), 'calibration.json'), '{"schemaVersion": 1, "stats": {"numClasses": 4}}');
  assert.throws(() => runMerge({ inputs: [a, dir('junk')], out: dir('x') }), (e: Error) => /junk.calibration\.json: made by an older segnet-uq \(schema version 1/.test(e.message));
  assert.throws(() => runMerge({ inputs: [a, dir('nowhere')], out: dir('x') }), (e: Error) => /nowhere.calibration\.json: no such file/.test(e.message));
  assert.not.ok(existsSync(dir('x')), 'nothing written on a refused merge');
});

test.run();
