import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { UncertaintyMaps } from '../lib/engine/types';
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
  addToConfusion(acc.confusion, Uint8Array.from([0, 1, 1, 2]), Uint8Array.from([0, 1, 2, 2]));
  const [row] = countRows([5], [acc], 2, 1);
  assert.equal({ ...row, meanIoU: null, ece: null }, { samples: 5, meanIoU: null, globalAccuracy: 0.75, ece: null, meanEntropy: 0.25, meanMutualInformation: 0.125, agreement: 0.5, msPerImage: 20 });
  // IoU per class: 1, 1/2, 1/2
  assert.ok(Math.abs((row.meanIoU as number) - 2 / 3) < 1e-12);
  const [unlabelled] = countRows([5], [acc], 2, 0);
  assert.equal([unlabelled.meanIoU, unlabelled.globalAccuracy, unlabelled.ece], [null, null, null]);
  const [empty] = countRows([1], [createCountAccumulator(3, 10)], 0, 0);
  assert.equal([empty.meanEntropy, empty.agreement, empty.msPerImage], [null, null, null]);
});
s.run();
