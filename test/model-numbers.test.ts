/**
 * bench/model-numbers.ts, the summary models/measure.sh prints and writes for the card: the
 * held-out means are models/README.md's (its published robust-fine-tune table, measured by another
 * session: the shipped model's per-corruption numbers average to its published means), the least-
 * certain accuracy follows from the most-certain percentiles, and MC beats dropout off only where
 * both mIoU is higher and NLL lower.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareWithCard, leastCertain10, mcAgainstOff, robustnessRows, robustnessTable } from '../bench/model-numbers';
import type { MetricSummary } from '../lib/metrics/types';
import type { ShiftRow } from '../lib/shift/result';

const test = suite('model-numbers');

/** A shift row with only the fields the summary reads. */
function row(corruption: string, severity: number, meanIoU: number, ece: number, nll: number): ShiftRow {
  return { corruption, severity, score: null, stats: '', metrics: { meanIoU, calibration: { ece, nll }, uncertainty: { entropy: { auroc: 0.9 } } } } as unknown as ShiftRow;
}

// models/README.md, "v2 against v1": v1 (the default until 2026-12-07), MC N = 8, severity 3 (NLL per corruption is not published)
const shipped = [
  row('none', 0, 0.6730, 0.0072, 0.230),
  row('impulse-noise', 3, 0.1658, 0.4141, 1), row('defocus-blur', 3, 0.3372, 0.1937, 2), row('pixelate', 3, 0.6330, 0.0134, 3),
  row('gaussian-noise', 3, 0.1567, 0.4235, 2.980),
];

test('the held-out mean is the plain mean of the three held-out corruptions (README: 0.3787 / 0.2071), Gaussian noise left out', () => {
  const rows = robustnessRows(shipped);
  assert.equal(rows.map(([k]) => k), ['clean', 'heldOutSeverity3', 'impulse-noise-3', 'defocus-blur-3', 'pixelate-3', 'gaussian-noise-3']);
  const held = rows[1][1];
  assert.is(Math.round(held.meanIoU! * 1e4) / 1e4, 0.3787);
  assert.is(Math.round(held.ece! * 1e4) / 1e4, 0.2071);
  assert.is(held.nll, 2);
});

test('no held-out mean when a held-out corruption is missing; severity 2 rows stay out of the table but not out of the rows', () => {
  const rows = robustnessRows([...shipped.filter((r) => r.corruption !== 'pixelate'), row('pixelate', 2, 0.6, 0.02, 0.3)]);
  assert.not.ok(rows.some(([k]) => k === 'heldOutSeverity3'));
  assert.ok(rows.some(([k]) => k === 'pixelate-2'));
  const table = robustnessTable([{ title: 'MC', rows }]);
  assert.not.match(table, 'pixelate 2');
  assert.match(table, '| gaussian-noise 3 | 0.1567 / 0.4235 / 2.9800 |');
});

test('MC beats dropout off only with a higher mIoU and a lower NLL', () => {
  const mc = robustnessRows([row('none', 0, 0.6, 0.01, 0.3), row('fog', 3, 0.5, 0.1, 0.8)]);
  const off = robustnessRows([row('none', 0, 0.59, 0.02, 0.35), row('fog', 3, 0.49, 0.1, 0.7)]);
  assert.equal(mcAgainstOff(mc, off), [{ row: 'clean', mIoU: 0.01, nll: -0.05, beats: true }, { row: 'fog-3', mIoU: 0.01, nll: 0.1, beats: false }]);
});

test('the accuracy of the 10% least certain pixels from the 90% and 100% most-certain accuracies', () => {
  // 100 pixels, every error among the 10 most uncertain (5 of them): the 90% most certain are all right
  const summary = { uncertainty: { entropy: { accuracyByPercentile: [{ percentile: 90, accuracy: 1 }, { percentile: 100, accuracy: 0.95 }] } } } as unknown as MetricSummary;
  assert.ok(Math.abs(leastCertain10(summary, 'entropy')! - 0.5) < 1e-12);
  const missing = { uncertainty: { entropy: { accuracyByPercentile: [{ percentile: 100, accuracy: 0.95 }] } } } as unknown as MetricSummary;
  assert.is(leastCertain10(missing, 'entropy'), null);
});

test('the card check: numbers within the 4-decimal rounding match, others differ, absent ones are not measured; text is skipped', () => {
  const card = { dataset: 'val', mcDropoutN10: { meanIoU: 0.6693, ece: 0.0068, perClassIoU: { Sky: 0.9304 } }, mcDropoutN50: { meanIoU: 0.6719 } };
  const measured = { mcDropoutN10: { meanIoU: 0.66934, ece: 0.0070, perClassIoU: { Sky: 0.93036 } } };
  assert.equal(compareWithCard(card, measured), {
    matched: 2, differ: ['metrics.mcDropoutN10.ece: card 0.0068, measured 0.007'], missing: ['metrics.mcDropoutN50.meanIoU'],
  });
});

test.run();
