import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { UncertaintyMaps } from '../lib/engine/types';
import { createConfusion } from '../lib/metrics/confusion';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import type { ModelCard } from '../lib/model/types';
import { CalibrationSink } from '../lib/run/calibration-sink';
import { metricImageInput } from '../lib/run/labels';
import type { LabelledImage } from '../lib/run/types';

const C = 3, W = 5, H = 4, IGNORE = 7;
const card = { name: 'fake', classes: [0, 1, 2].map((i) => ({ name: `c${i}`, color: [i, i, i] })) } as unknown as ModelCard;

/** A labelled image of random probabilities; every fifth pixel ignored. */
function labelledImage(seed: number): LabelledImage {
  const r = createRandom(seed);
  const n = W * H;
  const meanProbs = new Float32Array(C * n);
  for (let i = 0; i < n; i++) {
    const raw = [0, 1, 2].map(() => nextRandom(r) + 0.01);
    const sum = raw[0] + raw[1] + raw[2];
    raw.forEach((v, k) => { meanProbs[k * n + i] = v / sum; });
  }
  const predicted = Uint8Array.from({ length: n }, (_, i) => [0, 1, 2].reduce((a, k) => (meanProbs[k * n + i] > meanProbs[a * n + i] ? k : a), 0));
  const plane = (): Float32Array => Float32Array.from({ length: n }, () => nextRandom(r));
  const maps: UncertaintyMaps = {
    width: W, height: H, numClasses: C, samples: 4, meanProbs, predicted, confidence: Float32Array.from({ length: n }, (_, i) => meanProbs[predicted[i] * n + i]),
    predictiveEntropy: plane(), expectedEntropy: plane(), mutualInformation: plane(), variance: new Float32Array(0), meanVariance: plane(),
  };
  const label = { width: W, height: H, data: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? IGNORE : nextInt(r, C))) };
  const image = { width: W, height: H, data: new Uint8Array(n * 3) };
  return {
    file: `img-${seed}.png`, labelFile: `lbl-${seed}.png`, label, maps, input: metricImageInput(maps, label),
    result: { image, digest: 'x', maps, ms: 1 }, ignoreIndex: IGNORE, confusion: createConfusion(C), metrics: { globalAccuracy: 0, meanIoU: null, confusion: [] },
  };
}

const s = suite('CalibrationSink');
s('streams each labelled image into the statistics and the reservoir, then hands it on', () => {
  const seen: number[] = [];
  const sink = new CalibrationSink(card, { ignoreIndex: IGNORE, bins: 10, reservoir: { capacity: 1000, seed: 1 } }, {
    labelled: () => seen.push(sink.stats.images),
  });
  const images = [labelledImage(1), labelledImage(2)];
  for (const image of images) sink.labelled(image);
  assert.equal(seen, [1, 2], 'the next sink runs after the calibration took the image');
  // the confusion counts, counted here pixel by pixel
  const counts = new Array<number>(C * C).fill(0);
  let kept = 0;
  for (const im of images) {
    im.label.data.forEach((y, i) => {
      if (y === IGNORE) return;
      counts[y * C + im.maps.predicted[i]]++;
      kept++;
    });
  }
  assert.equal(Array.from(sink.stats.confusion.counts), counts);
  assert.is(sink.stats.ignoreIndex, IGNORE);
  assert.is(sink.stats.calibration.bins, 10);
  const reservoir = sink.reservoir;
  assert.ok(reservoir);
  assert.is(reservoir?.size, kept, 'every labelled pixel is held (capacity above their number)');
  assert.ok(Array.from(reservoir?.labels.subarray(0, kept) ?? []).every((y) => y < C));
  const t = sink.fitTemperature(1.25);
  assert.ok(t && t.pixels === kept && Math.abs(t.combined - 1.25 * t.fitted) < 1e-12);
});
s('without a reservoir, or before any pixel, there is no temperature', () => {
  const plain = new CalibrationSink(card, { ignoreIndex: IGNORE, bins: 15 });
  plain.labelled(labelledImage(3));
  assert.is(plain.reservoir, null);
  assert.is(plain.fitTemperature(1), null);
  assert.is(plain.stats.images, 1);
  assert.is(new CalibrationSink(card, { ignoreIndex: IGNORE, bins: 15, reservoir: { capacity: 10, seed: 0 } }).fitTemperature(1), null);
});
s.run();
