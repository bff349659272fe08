import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { UncertaintyMaps } from '../lib/engine/types';
import { metricImageInput, metricInput } from '../lib/run/labels';

/** 2x2 maps of 2 classes: pixel i has p(class 1) = probs1[i]. */
function maps2x2(probs1: number[]): UncertaintyMaps {
  const meanProbs = Float32Array.from([...probs1.map((p) => 1 - p), ...probs1]);
  const plane = (f: (i: number) => number): Float32Array => Float32Array.from({ length: 4 }, (_, i) => f(i));
  return {
    width: 2, height: 2, numClasses: 2, samples: 3, meanProbs,
    predicted: Uint8Array.from(probs1.map((p) => (p > 0.5 ? 1 : 0))), confidence: plane((i) => Math.max(probs1[i], 1 - probs1[i])),
    predictiveEntropy: plane((i) => i + 0.5), expectedEntropy: plane((i) => i), mutualInformation: plane(() => 0.5),
    variance: new Float32Array(8), meanVariance: plane((i) => i / 10),
  };
}

const s = suite('metric inputs');
s('metricImageInput: the label and the maps\' class map, confidence, probabilities and uncertainties, unresized', () => {
  const maps = maps2x2([0.2, 0.9, 0.6, 0.1]);
  const label = { width: 2, height: 2, data: Uint8Array.from([0, 1, 1, 9]) };
  const input = metricImageInput(maps, label);
  assert.is(input.labels, label.data);
  assert.is(input.predicted, maps.predicted);
  assert.is(input.confidence, maps.confidence);
  assert.is(input.probs, maps.meanProbs);
  assert.equal(input.uncertainties, { entropy: maps.predictiveEntropy, mutualInformation: maps.mutualInformation, variance: maps.meanVariance });
  assert.equal([input.width, input.height], [2, 2]);
});
s('metricInput: at the label\'s size the maps are taken as they are; at another the argmax is of the resized probabilities', () => {
  const maps = maps2x2([0.2, 0.9, 0.6, 0.1]);
  const same = metricInput(maps, { width: 2, height: 2, data: new Uint8Array(4) });
  assert.is(same.maps, maps);
  const big = metricInput(maps, { width: 4, height: 4, data: new Uint8Array(16) });
  assert.equal([big.maps.width, big.maps.height, big.input.predicted.length], [4, 4, 16]);
  for (let i = 0; i < 16; i++) {
    const p1 = big.maps.meanProbs[16 + i];
    assert.is(big.input.predicted[i], p1 > big.maps.meanProbs[i] ? 1 : 0, `pixel ${i}`);
    assert.is(big.input.confidence[i], Math.max(p1, big.maps.meanProbs[i]));
  }
  // the corners keep the source pixels' classes (bilinear, align_corners=False)
  assert.equal([big.input.predicted[0], big.input.predicted[3], big.input.predicted[12], big.input.predicted[15]], [0, 1, 1, 0]);
});
s('EXPECTED FAILURE: metricImageInput with maps of another size', () => {
  assert.throws(() => metricImageInput(maps2x2([0.2, 0.9, 0.6, 0.1]), { width: 3, height: 2, data: new Uint8Array(6) }), /maps are 2x2, the label 3x2/);
});
s.run();
