import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linearSource, resizeBilinearPlanar, resizeRgbToPlanar } from '../lib/image/resize';
import { throwsError } from './fixtures/throws';

function random(n: number, seed: number, max = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((s >>> 8) / 2 ** 24) * max;
  }
  return out;
}

/** torch's source index of output index d (align_corners=False): the two taps and the second's weight */
function source(d: number, inSize: number, outSize: number): [number, number, number] {
  const real = Math.max(0, (d + 0.5) * (inSize / outSize) - 0.5);
  const i0 = Math.floor(real);
  const i1 = Math.min(i0 + 1, inSize - 1);
  return [i0, i1, real - i0];
}

/** the torch formula, written out per output pixel (align_corners=False, no antialias) */
function referenceBilinear(src: Float32Array, c: number, sw: number, sh: number, dw: number, dh: number): number[] {
  const out: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < dh; y++) {
      for (let x = 0; x < dw; x++) {
        const [y0, y1, ly] = source(y, sh, dh);
        const [x0, x1, lx] = source(x, sw, dw);
        const at = (yy: number, xx: number): number => src[ch * sw * sh + yy * sw + xx];
        out.push((1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1)));
      }
    }
  }
  return out;
}

const SIZES: [number, number, number, number][] = [
  [5, 4, 9, 7], [9, 7, 5, 4], [8, 8, 3, 3], [1, 1, 4, 3], [7, 3, 7, 3], [13, 11, 13, 5], [3, 2, 1, 1], [4, 6, 12, 18], [480, 2, 360, 3],
];

test('resizeBilinearPlanar: torch golden values', () => {
  // F.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4), mode='bilinear', align_corners=False)
  assert.equal(Array.from(resizeBilinearPlanar(Float32Array.from([0, 1]), 1, 2, 1, 4, 1)), [0, 0.25, 0.75, 1]);
  // 4 -> 2 averages neighbours: src = 0.5, 2.5
  assert.equal(Array.from(resizeBilinearPlanar(Float32Array.from([0, 2, 4, 6]), 1, 4, 1, 2, 1)), [1, 5]);
});

test('resizeBilinearPlanar matches the reference loop up and down, several channels', () => {
  for (const [sw, sh, dw, dh] of SIZES) {
    for (const c of [1, 3]) {
      const src = random(c * sw * sh, sw * 31 + sh + c);
      const got = resizeBilinearPlanar(src, c, sw, sh, dw, dh);
      const want = referenceBilinear(src, c, sw, sh, dw, dh);
      assert.is(got.length, want.length);
      for (let i = 0; i < want.length; i++) {
        if (Math.abs(got[i] - want[i]) > 1e-5) assert.unreachable(`${sw}x${sh}->${dw}x${dh} c=${c} at ${i}: ${got[i]} vs ${want[i]}`);
      }
    }
  }
});

test('linearSource: the torch source taps at every output index, up and down (the rule /pixel reads with)', () => {
  for (const [inSize, outSize] of [[1, 5], [4, 8], [8, 4], [7, 3], [3, 7], [360, 960], [960, 360], [5, 5]]) {
    for (let d = 0; d < outSize; d++) assert.equal([...linearSource(d, inSize, outSize)], source(d, inSize, outSize), `${inSize} -> ${outSize} at ${d}`);
  }
  assert.equal([...linearSource(7, 4, 8)], [3, 3, 0.25], 'the last index clamps its second tap');
});

test('resizeBilinearPlanar: same size is the identity; out is reused', () => {
  const src = random(2 * 5 * 3, 9);
  assert.equal(Array.from(resizeBilinearPlanar(src, 2, 5, 3, 5, 3)), Array.from(src));
  const out = new Float32Array(2 * 4 * 4);
  assert.is(resizeBilinearPlanar(src, 2, 5, 3, 4, 4, out), out);
});

test('resizeBilinearPlanar BAD CALL / EXPECTED FAILURE', () => {
  const src = new Float32Array(12);
  throwsError(() => resizeBilinearPlanar(Array.from(src) as unknown as Float32Array, 1, 4, 3, 2, 2), TypeError, /^src must be a Float32Array, got object$/);
  assert.throws(() => resizeBilinearPlanar(src, 1, 4, 4, 2, 2), /src has length 12, expected 16/);
  assert.throws(() => resizeBilinearPlanar(src, 1, 4, 3, 0, 2), (e: unknown) => e instanceof RangeError && /^dstW must be an integer >= 1, got 0$/.test((e as Error).message));
  assert.throws(() => resizeBilinearPlanar(src, 1.5, 4, 3, 2, 2), /channels/);
  assert.throws(() => resizeBilinearPlanar(src, 1, 4, 3, 2, 2, new Float32Array(3)), /out has length 3, expected 4/);
});

test('resizeRgbToPlanar: permutes HWC to CHW, then bilinear', () => {
  const w = 6;
  const h = 5;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  const planar = new Float32Array(3 * w * h);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) planar[c * w * h + i] = data[i * 3 + c];
  for (const [dw, dh] of [[6, 5], [11, 3], [2, 9]]) {
    const got = resizeRgbToPlanar({ width: w, height: h, data }, dw, dh);
    const want = referenceBilinear(planar, 3, w, h, dw, dh);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])), `${dw}x${dh} at ${i}`);
  }
  assert.throws(() => resizeRgbToPlanar({ width: 2, height: 2, data: new Uint8Array(11) }, 1, 1), /img\.data has length 11, expected 12/);
});

test.run();
