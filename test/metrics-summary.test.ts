import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { C, randomImage } from './fixtures/random-metric-image';
import { expectedCalibrationError } from '../lib/metrics/calibration';
import { addImage, createMetricStats } from '../lib/metrics/metric-stats';
import { expectedErrorRate, finiteOrNull, summarizeMetrics } from '../lib/metrics/summary';
import { misclassificationAUROC } from '../lib/metrics/uncertainty';

const images = [randomImage(11, 48, 32), randomImage(12, 32, 24)];
const stats = createMetricStats({ numClasses: C, ignoreIndex: 11 });
for (const im of images) addImage(stats, im);
const summary = summarizeMetrics(stats);

const s = suite('summarizeMetrics');
s('global accuracy and ECE agree with per-pixel loops', () => {
  let n = 0;
  let correct = 0;
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, acc: 0 }));
  for (const im of images) {
    for (let i = 0; i < im.labels.length; i++) {
      if (im.labels[i] === 11) continue;
      const hit = im.labels[i] === im.predicted[i] ? 1 : 0;
      n++;
      correct += hit;
      for (let b = 0; b < 15; b++) {
        if (im.confidence[i] >= b / 15 && (im.confidence[i] < (b + 1) / 15 || b === 14)) {
          bins[b].n++;
          bins[b].conf += im.confidence[i];
          bins[b].acc += hit;
        }
      }
    }
  }
  assert.is(summary.pixels, n);
  assert.ok(Math.abs((summary.globalAccuracy ?? NaN) - correct / n) < 1e-12);
  const ece = bins.reduce((e, b) => e + Math.abs(b.acc - b.conf), 0) / n;
  assert.ok(Math.abs((summary.calibration.ece ?? NaN) - ece) < 1e-6);
  assert.is(summary.calibration.ece, expectedCalibrationError(stats.calibration));
  assert.is(summary.uncertainty.entropy.auroc, misclassificationAUROC(stats.uncertainty.entropy));
});
s('shape: per class, all kinds, fractions in 0..1, no NaN in JSON', () => {
  assert.is(summary.perClass.length, C);
  assert.is(summary.images, 2);
  const text = JSON.stringify(summary);
  assert.not.match(text, /NaN|Infinity/);
  for (const v of [summary.globalAccuracy, summary.classAverageAccuracy, summary.meanIoU, summary.calibration.ece, summary.calibration.adaptiveEce, summary.calibration.classwiseEce]) {
    assert.ok(v !== null && v >= 0 && v <= 1);
  }
  for (const kind of ['entropy', 'mutualInformation', 'variance'] as const) {
    const u = summary.uncertainty[kind];
    assert.ok(u.auroc !== null && u.auroc > 0.5, `${kind} auroc ${u.auroc}`);
    assert.ok(u.pavpu.best.pavpu !== null && u.pavpu.best.pavpu <= 1);
    assert.is(u.sparsification.fractions.length, 100);
  }
  assert.ok((summary.perClass[0].meanEntropy ?? -1) > 0);
});
s('empty stats summarise to nulls, not NaN', () => {
  const empty = summarizeMetrics(createMetricStats({ numClasses: 3 }));
  assert.is(empty.globalAccuracy, null);
  assert.is(empty.calibration.brier, null);
  assert.is(empty.uncertainty.entropy.auroc, null);
  assert.not.match(JSON.stringify(empty), /NaN/);
  assert.is(finiteOrNull(Infinity), null);
});
s('options: a fixed PAvPU threshold', () => {
  const t = summarizeMetrics(stats, { pavpuThresholds: { entropy: 0.8 } });
  const fixed = t.uncertainty.entropy.pavpu.fixed.threshold;
  assert.ok(fixed <= 0.8 && fixed > 0.8 * (1 - 2 ** -10), `${fixed}`);
});
s('labelFree PAvPU: the uncertain share of patches is the expected error rate 1 - mean confidence', () => {
  let n = 0;
  let conf = 0;
  for (const im of images) {
    for (let i = 0; i < im.labels.length; i++) {
      if (im.labels[i] === 11) continue;
      n++;
      conf += im.confidence[i];
    }
  }
  assert.ok(Math.abs(expectedErrorRate(stats) - (1 - conf / n)) < 2 ** -24); // the sums are fixed-point at 2^-24
  for (const kind of ['entropy', 'mutualInformation', 'variance'] as const) {
    const p = summary.uncertainty[kind].pavpu.labelFree;
    const total = p.nAC + p.nAU + p.nIC + p.nIU;
    assert.ok(Math.abs((p.nAU + p.nIU) / total - (1 - conf / n)) < 0.02, `${kind}: ${(p.nAU + p.nIU) / total} vs ${1 - conf / n}`);
    assert.ok(summary.uncertainty[kind].aurocBinBound !== null && (summary.uncertainty[kind].aurocBinBound as number) < 0.01);
  }
});
s.run();
