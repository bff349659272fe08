import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fillDropoutMask, imageKeyFromDigest, streamState } from '../lib/engine/masks';

const masks = suite('fillDropoutMask');

for (const rate of [0.5, 0.3, 0.1]) {
  masks(`rate ${rate}: values are 0 or 1/(1-p), dropped fraction about p`, () => {
    const n = 20000;
    const out = new Float32Array(n);
    fillDropoutMask(out, 0, n, rate, 1, 2, 3, 4);
    const keep = Math.fround(1 / (1 - rate));
    let dropped = 0;
    for (const v of out) {
      assert.ok(v === 0 || v === keep, `value ${v}`);
      if (v === 0) dropped++;
    }
    const se = Math.sqrt((rate * (1 - rate)) / n);
    assert.ok(Math.abs(dropped / n - rate) < 5 * se, `dropped ${dropped / n}`);
  });
}

masks('rate 0 keeps everything with scale 1', () => {
  const out = new Float32Array(100);
  fillDropoutMask(out, 0, 100, 0, 1, 2, 3, 4);
  assert.ok(out.every((v) => v === 1));
});

masks('a mask depends on (seed, image, sample, point) only, not on where it is written', () => {
  const size = 70;
  const alone = new Float32Array(size);
  fillDropoutMask(alone, 0, size, 0.5, 9, 8, 5, 1);
  const packed = new Float32Array(size * 8);
  for (let s = 0; s < 8; s++) fillDropoutMask(packed, s * size, size, 0.5, 9, 8, s, 1);
  assert.equal(Array.from(packed.subarray(5 * size, 6 * size)), Array.from(alone));
  const keys = [[10, 8, 5, 1], [9, 9, 5, 1], [9, 8, 6, 1], [9, 8, 5, 2]];
  for (const [seed, image, sample, point] of keys) {
    const other = new Float32Array(size);
    fillDropoutMask(other, 0, size, 0.5, seed, image, sample, point);
    assert.not.equal(Array.from(other), Array.from(alone), `(${seed}, ${image}, ${sample}, ${point})`);
  }
});

masks('fixed vectors: a change of the generator or its seeding is noticed (keep/drop pattern, and one state)', () => {
  const a = new Float32Array(40);
  fillDropoutMask(a, 0, 40, 0.5, 7, 0xdeadbeef, 3, 1);
  assert.is(Array.from(a).map((v) => (v ? 1 : 0)).join(''), '1010000111001011011001001010010101110100');
  const b = new Float32Array(24);
  fillDropoutMask(b, 0, 24, 0.3, 0, 0, 0, 0);
  assert.is(Array.from(b).map((v) => (v ? 1 : 0)).join(''), '100011111101111101001000');
  assert.equal(Array.from(streamState(0, 0, 0, 0)), [0xe2f291ba, 0x055924e3, 0x5ac91dca, 0xa38f4fea]);
});

masks('200,000 streams (2,000 images x 100 samples) have 200,000 different states (the 32-bit chain gave 8 repeats)', () => {
  const seen = new Set<string>();
  for (let img = 0; img < 2000; img++) {
    for (let sample = 0; sample < 100; sample++) seen.add(streamState(0, Math.imul(img, 0x9e3779b1) >>> 0, sample, 0).join(','));
  }
  assert.is(seen.size, 200_000);
});

masks('streamState is never all zero and differs per sample', () => {
  const a = streamState(0, 0, 0, 0);
  const b = streamState(0, 0, 1, 0);
  assert.ok(a.some((w) => w !== 0));
  assert.not.equal(Array.from(a), Array.from(b));
});

masks('imageKeyFromDigest reads the first 8 hex digits; non-hex is a TypeError naming it', () => {
  assert.is(imageKeyFromDigest('deadbeef0123'), 0xdeadbeef);
  assert.throws(() => imageKeyFromDigest('zz'), (err: Error) => err instanceof TypeError && err.message.includes("'zz'"));
});

masks.run();
