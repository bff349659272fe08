import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { UncertaintyMaps } from '../lib/engine/types';
import { addToCalibration } from '../lib/metrics/calibration-stats';
import { addToConfusion } from '../lib/metrics/confusion';
import { addCountValues, countRows, countValues, createCountAccumulator } from '../lib/report/sample-counts';

const maps = (predicted: number[], entropy: number[], mi: number[]): UncertaintyMaps => ({
  width: predicted.length, height: 1, numClasses: 3, samples: 2, meanProbs: new Float32Array(3 * predicted.length),
  predicted: Uint8Array.from(predicted), confidence: new Float32Array(predicted.length), predictiveEntropy: Float32Array.from(entropy),
  expectedEntropy: new Float32Array(predicted.length), mutualInformation: Float32Array.from(mi), variance: new Float32Array(0), meanVariance: new Float32Array(predicted.length),
});

const s = suite('sample counts');
s('countValues: the sums, the pixels agreeing with the largest count, the pixels, the time', () => {
  const v = countValues(maps([0, 1, 2, 2], [0.5, 0.25, 1, 0.125], [0.25, 0, 0.5, 0.125]), Uint8Array.from([0, 2, 2, 1]), 12.5);
  assert.equal(v, { entropy: 1.875, mi: 0.875, agree: 2, pixels: 4, ms: 12.5 });
});
s('countRows: means over the pixels and images; label metrics only with labelled images', () => {
  const acc = createCountAccumulator(3, 10);
  addCountValues(acc, { entropy: 3, mi: 1, agree: 6, pixels: 8, ms: 10 });
  addCountValues(acc, { entropy: 1, mi: 1, agree: 2, pixels: 8, ms: 30 });
  const labels = Uint8Array.from([0, 1, 1, 2]), predicted = Uint8Array.from([0, 1, 2, 2]);
  addToConfusion(acc.confusion, labels, predicted);
  const confidence = Float32Array.from([0.95, 0.65, 0.75, 0.35]);
  addToCalibration(acc.calibration, { labels, predicted, confidence });
  const [row] = countRows([5], [acc], 2, 1);
  assert.equal({ ...row, meanIoU: null, ece: null }, { samples: 5, meanIoU: null, globalAccuracy: 0.75, ece: null, meanEntropy: 0.25, meanMutualInformation: 0.125, agreement: 0.5, msPerImage: 20 });
  // IoU per class: 1, 1/2, 1/2
  assert.ok(Math.abs((row.meanIoU as number) - 2 / 3) < 1e-12);
  // 10 bins, one pixel each in bins 9, 6, 7, 3 (correct, correct, wrong, correct), away from the
  // bin edges: (|1 - 0.95| + |1 - 0.65| + |0 - 0.75| + |1 - 0.35|) / 4 = 0.45 (float32 confidences, fixed-point sums: 1e-8)
  assert.ok(Math.abs((row.ece as number) - 0.45) < 1e-7, `ECE ${row.ece}`);
  const [unlabelled] = countRows([5], [acc], 2, 0);
  assert.equal([unlabelled.meanIoU, unlabelled.globalAccuracy, unlabelled.ece], [null, null, null]);
  const [empty] = countRows([1], [createCountAccumulator(3, 10)], 0, 0);
  assert.equal([empty.meanEntropy, empty.agreement, empty.msPerImage], [null, null, null]);
});
s.run();
