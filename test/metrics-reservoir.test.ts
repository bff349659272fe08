import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, nextInt } from '../lib/metrics/random';
import { DEFAULT_RESERVOIR_SIZE } from '../lib/defaults';
import { addToReservoir, createPixelReservoir, reservoirSample } from '../lib/metrics/reservoir';
import type { PixelReservoir } from '../lib/metrics/types';
import { throwsError } from './fixtures/throws';

const C = 3;
/** an image whose probs[0] encodes the global pixel id (id / 1e6), labels random, 1 in 10 ignored */
function image(offset: number, n: number, seed: number) {
  const r = createRandom(seed);
  const probs = new Float32Array(C * n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    probs[i] = (offset + i) / 1e6;
    probs[n + i] = 0.5;
    labels[i] = nextInt(r, 10) === 0 ? 255 : nextInt(r, C);
  }
  return { probs, labels };
}

const s = suite('PixelReservoir');
s('below capacity it holds every labelled pixel, class-major on the way out', () => {
  const im = image(0, 50, 1);
  const res = addToReservoir(createPixelReservoir({ numClasses: C, capacity: 100 }), im.probs, im.labels, 255);
  const kept = Array.from(im.labels.keys()).filter((i) => im.labels[i] !== 255);
  const sample = reservoirSample(res);
  assert.is(sample.labels.length, kept.length);
  assert.equal(Array.from(sample.probs.subarray(0, kept.length)), kept.map((i) => im.probs[i]));
  assert.equal(Array.from(sample.labels), kept.map((i) => im.labels[i]));
  assert.ok(sample.probs.subarray(kept.length, 2 * kept.length).every((p) => p === 0.5));
});
s('bounded, reproducible, and uniform over the stream', () => {
  const run = (seed: number) => {
    const res = createPixelReservoir({ numClasses: C, capacity: 500, seed });
    for (let k = 0; k < 8; k++) {
      const im = image(k * 1000, 1000, k + 1);
      addToReservoir(res, im.probs, im.labels, 255);
    }
    return res;
  };
  const a = run(7);
  assert.is(a.size, 500);
  const held = (r: PixelReservoir) => ({ seen: r.seen, size: r.size, randomState: r.randomState, ...reservoirSample(r) });
  assert.equal(held(a), held(run(7)), 'the same seed keeps the same pixels');
  assert.not.equal(held(a).probs, held(run(8)).probs, 'another seed keeps others');
  // uniformity: the share kept from each image is ~1/8 (chi-square-ish loose bound)
  const sample = reservoirSample(a);
  const perImage = new Array<number>(8).fill(0);
  for (let j = 0; j < a.size; j++) perImage[Math.floor(Math.round(sample.probs[j] * 1e6) / 1000)]++;
  for (const n of perImage) assert.ok(Math.abs(n - 62.5) < 30, `per-image counts ${perImage}`);
});
s('the default capacity is the one calibrate holds', () => {
  assert.is(createPixelReservoir({ numClasses: C }).capacity, DEFAULT_RESERVOIR_SIZE);
});
s('EXPECTED FAILURE: bad capacity, shapes, labels', () => {
  throwsError(() => createPixelReservoir({ numClasses: C, capacity: 0 }), RangeError, /^capacity must be an integer in 1\.\.67108864, got 0$/);
  throwsError(() => addToReservoir(createPixelReservoir({ numClasses: C }), new Float32Array(4), new Uint8Array(2)), RangeError, /^probs must have length 6, got 4$/);
  assert.throws(() => addToReservoir(createPixelReservoir({ numClasses: C }), new Float32Array(3), new Uint8Array([5])), (e: unknown) => e instanceof RangeError && /labels\[0\] = 5/.test(e.message));
});
s.run();
