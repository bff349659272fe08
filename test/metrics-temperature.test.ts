import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import { TEMPERATURE_SEARCH } from '../lib/defaults';
import { applyTemperature, atSearchEnd, fitTemperature } from '../lib/metrics/temperature';
import { throwsError } from './fixtures/throws';

const C = 4;
const N = 3000;
const TRUE_T = 2;

/** probs = softmax(z) are over-confident: labels are drawn from softmax(z / 2) */
function fixture(seed: number) {
  const r = createRandom(seed);
  const probs = new Float32Array(C * N);
  const labels = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const z = Array.from({ length: C }, () => nextRandom(r) * 8);
    const soft = (t: number) => {
      const e = z.map((v) => Math.exp(v / t));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    soft(1).forEach((p, k) => (probs[k * N + i] = p));
    const q = soft(TRUE_T);
    let u = nextRandom(r);
    let y = 0;
    while (y < C - 1 && u >= q[y]) u -= q[y++];
    labels[i] = nextInt(r, 25) === 0 ? 255 : y;
  }
  return { probs, labels };
}
const fx = fixture(1);

/** reference NLL: explicit softmax of log p / T per pixel */
function refNll(t: number): number {
  let total = 0;
  let m = 0;
  for (let i = 0; i < N; i++) {
    if (fx.labels[i] === 255) continue;
    const l = Array.from({ length: C }, (_, k) => Math.log(Math.max(fx.probs[k * N + i], 1e-12)) / t);
    const lse = Math.log(l.reduce((s, v) => s + Math.exp(v), 0));
    total += lse - l[fx.labels[i]];
    m++;
  }
  return total / m;
}

const s = suite('temperature');
s('fitTemperature finds the minimum of a brute-force grid search', () => {
  const fit = fitTemperature(fx, { numClasses: C, ignoreIndex: 255 });
  let bestT = 1;
  let best = Infinity;
  for (let j = 0; j <= 200; j++) {
    const t = 0.5 * Math.pow(10, (j / 200) * Math.log10(10)); // 0.5 .. 5
    const v = refNll(t);
    if (v < best) {
      best = v;
      bestT = t;
    }
  }
  assert.ok(fit.nll <= best + 1e-9, `${fit.nll} vs grid ${best}`);
  assert.ok(Math.abs(Math.log(fit.temperature / bestT)) < 0.015, `${fit.temperature} vs ${bestT}`);
  assert.ok(Math.abs(fit.nll - refNll(fit.temperature)) < 1e-9);
  assert.ok(Math.abs(fit.nllAtOne - refNll(1)) < 1e-9);
  assert.ok(Math.abs(fit.temperature - TRUE_T) < 0.4, `recovers T ~ ${TRUE_T}: ${fit.temperature}`);
  assert.is(fit.pixels, Array.from(fx.labels).filter((y) => y !== 255).length);
});
s('applyTemperature: T = 1 is the identity, T = 2 matches an explicit softmax', () => {
  const same = applyTemperature(fx.probs, C, 1);
  for (let i = 0; i < 200; i++) assert.ok(Math.abs(same[i] - fx.probs[i]) < 1e-6);
  const hot = applyTemperature(fx.probs, C, 2);
  for (let i = 0; i < 50; i++) {
    const e = Array.from({ length: C }, (_, k) => Math.sqrt(fx.probs[k * N + i]));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let k = 0; k < C; k++) assert.ok(Math.abs(hot[k * N + i] - e[k] / sum) < 1e-6);
  }
});
s('a fit whose optimum lies beyond the searched range ends at its edge, and atSearchEnd says so', () => {
  // always wrong at 0.99 confidence: the NLL falls as T grows, towards the uniform distribution
  const m = 100;
  const probs = new Float32Array(2 * m);
  probs.fill(0.99, 0, m);
  probs.fill(0.01, m);
  const fit = fitTemperature({ probs, labels: new Uint8Array(m).fill(1) }, { numClasses: 2 });
  assert.ok(Math.abs(fit.temperature - TEMPERATURE_SEARCH.upper) / TEMPERATURE_SEARCH.upper < 1e-3, `T ${fit.temperature}`);
  assert.ok(atSearchEnd(fit.temperature));
  assert.ok(atSearchEnd(TEMPERATURE_SEARCH.lower) && atSearchEnd(TEMPERATURE_SEARCH.lower * 1.001));
  assert.not.ok(atSearchEnd(1) || atSearchEnd(TEMPERATURE_SEARCH.lower * 1.01) || atSearchEnd(TEMPERATURE_SEARCH.upper * 0.99));
  assert.not.ok(atSearchEnd(fitTemperature(fx, { numClasses: C, ignoreIndex: 255 }).temperature), 'an ordinary fit is inside');
});
s('EXPECTED FAILURE: bad shapes and options', () => {
  throwsError(() => fitTemperature({ probs: new Float32Array(5), labels: new Uint8Array(2) }, { numClasses: C }), RangeError, /^sample\.probs must have length 8, got 5$/);
  throwsError(() => fitTemperature({ probs: new Float32Array(0), labels: new Uint8Array(0) }, { numClasses: C }), RangeError, /^sample has no labelled pixel to fit a temperature on$/);
  assert.throws(() => fitTemperature(fx, { numClasses: C }), (e: unknown) => e instanceof RangeError && /= 255/.test(e.message));
  throwsError(() => applyTemperature(fx.probs, C, 0), RangeError, /^temperature must be a number in \[0\.000001, 1000000\], got 0$/);
  throwsError(() => applyTemperature(new Float32Array(5), C, 1), RangeError, /^probs length 5 is not a multiple of numClasses 4$/);
});
s.run();
