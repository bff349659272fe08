import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { marginMap, reduce, reviewFields } from '../lib/report/review';
import { seededRandom } from './fixtures/tiny-models';
import type { UncertaintyMaps } from '../lib/engine/types';

const review = suite('review scores');

review('reduce: mean, max and top-10% mean against a sort', () => {
  const r = seededRandom(5);
  const v = Float32Array.from({ length: 1003 }, () => r());
  const got = reduce(v);
  const sorted = Array.from(v).sort((a, b) => b - a);
  const k = Math.ceil(1003 * 0.1);
  assert.ok(Math.abs(got.mean - sorted.reduce((a, b) => a + b, 0) / 1003) < 1e-9);
  assert.is(got.max, sorted[0]);
  assert.ok(Math.abs(got.top10 - sorted.slice(0, k).reduce((a, b) => a + b, 0) / k) < 1e-9);
  assert.equal(reduce(new Float32Array(0)), { mean: 0, max: 0, top10: 0 });
  assert.equal(reduce(Float32Array.from([0.5])), { mean: 0.5, max: 0.5, top10: 0.5 });
});

review('margin: 1 - (p1 - p2) of the mean probabilities, ties and one class', () => {
  // 3 classes, 2 pixels, class-major
  const maps = { width: 2, height: 1, numClasses: 3, meanProbs: Float32Array.from([0.7, 0.4, 0.2, 0.4, 0.1, 0.2]) } as unknown as UncertaintyMaps;
  const m = marginMap(maps);
  assert.ok(Math.abs(m[0] - (1 - 0.5)) < 1e-6);
  assert.ok(Math.abs(m[1] - 1) < 1e-6, 'equal top two: margin score 1');
  const one = marginMap({ width: 1, height: 1, numClasses: 1, meanProbs: Float32Array.from([1]) } as unknown as UncertaintyMaps);
  assert.is(one[0], 0);
});

review('reviewFields: variationRatio is the mean of the map; absent without the map', () => {
  const base = {
    width: 2, height: 1, numClasses: 2, meanProbs: Float32Array.from([0.9, 0.5, 0.1, 0.5]),
    mutualInformation: Float32Array.from([0.1, 0.3]), predictiveEntropy: Float32Array.from([0.2, 0.6]),
  } as unknown as UncertaintyMaps;
  const f = reviewFields({ ...base, variationRatio: Float32Array.from([0, 0.5]) });
  assert.is(f.variationRatio, 0.25);
  assert.is(f.review['variation-ratio']?.max, 0.5);
  assert.ok(Math.abs((f.review.bald?.mean as number) - 0.2) < 1e-7);
  assert.ok(Math.abs((f.review.entropy?.max as number) - 0.6) < 1e-7);
  const none = reviewFields(base);
  assert.not.ok('variationRatio' in none);
  assert.not.ok('variation-ratio' in none.review);
});
review.run();
