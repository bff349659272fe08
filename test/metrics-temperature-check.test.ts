import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import { addToReservoir, createPixelReservoir } from '../lib/metrics/reservoir';
import { checkTemperatureFit, sampleCalibration } from '../lib/metrics/temperature-check';

const C = 3, N = 400, BINS = 10;

/** Over-confident probabilities (class-major [C, N]) and labels: the true class wins 60% of the time. */
function overconfident(seed: number): { probs: Float32Array; labels: Uint8Array } {
  const r = createRandom(seed);
  const probs = new Float32Array(C * N);
  const labels = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const y = nextInt(r, C);
    const top = nextRandom(r) < 0.6 ? y : (y + 1 + nextInt(r, C - 1)) % C;
    const p = 0.85 + 0.14 * nextRandom(r);
    for (let k = 0; k < C; k++) probs[k * N + i] = k === top ? p : (1 - p) / (C - 1);
    labels[i] = y;
  }
  return { probs, labels };
}

/** Pixel by pixel, in float64: ECE over equal-width bins and mean NLL of softmax(log p / t). */
function reference(probs: Float32Array, labels: Uint8Array, t: number): { ece: number; nll: number } {
  const n = labels.length;
  const count = new Array<number>(BINS).fill(0), conf = new Array<number>(BINS).fill(0), hits = new Array<number>(BINS).fill(0);
  let nll = 0;
  for (let i = 0; i < n; i++) {
    const logits = Array.from({ length: C }, (_, k) => Math.log(Math.max(probs[k * n + i], 1e-12)) / t);
    const max = Math.max(...logits);
    const e = logits.map((z) => Math.exp(z - max));
    const sum = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / sum);
    const best = Math.max(...p);
    const b = Math.min(BINS - 1, Math.floor(best * BINS));
    count[b]++; conf[b] += best; hits[b] += p.indexOf(best) === labels[i] ? 1 : 0;
    nll -= Math.log(Math.max(p[labels[i]], 1e-12));
  }
  return { ece: hits.reduce((a, h, b) => a + Math.abs(h - conf[b]), 0) / n, nll: nll / n };
}

const s = suite('temperature check');
s('sampleCalibration: ECE and NLL of the sample as a pixel-by-pixel count gives them', () => {
  const { probs, labels } = overconfident(1);
  const got = sampleCalibration(probs, labels, C, BINS);
  const want = reference(probs, labels, 1);
  assert.ok(Math.abs((got.ece as number) - want.ece) < 1e-6, `${got.ece} vs ${want.ece}`);
  assert.ok(Math.abs((got.nll as number) - want.nll) < 1e-6, `${got.nll} vs ${want.nll}`);
});
s('checkTemperatureFit: softens an over-confident sample, the NLL at its minimum, the numbers before and after', () => {
  const { probs, labels } = overconfident(2);
  const reservoir = addToReservoir(createPixelReservoir({ numClasses: C, capacity: N }), probs, labels);
  const t = checkTemperatureFit(reservoir, { numClasses: C, bins: BINS, previous: 1.5 });
  assert.ok(t.fitted > 1, `fitted ${t.fitted}`);
  assert.is(t.previous, 1.5);
  assert.ok(Math.abs(t.combined - 1.5 * t.fitted) < 1e-12);
  assert.is(t.pixels, N);
  const before = reference(probs, labels, 1), after = reference(probs, labels, t.fitted);
  for (const [got, want] of [[t.eceBefore, before.ece], [t.nllBefore, before.nll], [t.eceAfter, after.ece], [t.nllAfter, after.nll]]) {
    assert.ok(Math.abs((got as number) - (want as number)) < 1e-5, `${got} vs ${want}`);
  }
  // a minimum: 5% either way is no better
  assert.ok(after.nll <= reference(probs, labels, t.fitted * 1.05).nll + 1e-9);
  assert.ok(after.nll <= reference(probs, labels, t.fitted / 1.05).nll + 1e-9);
  assert.ok((t.nllAfter as number) < (t.nllBefore as number));
});
s.run();
