import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import {
  addToUncertaintyHistogram,
  createUncertaintyHistogram,
  defaultUncertaintyMax,
  mergeUncertaintyHistograms,
  uncertaintyHistogramFromJSON,
  uncertaintyHistogramToJSON,
} from '../lib/metrics/uncertainty-stats';
import { throwsError } from './fixtures/throws';

const C = 6;
function image(seed: number, n: number) {
  const r = createRandom(seed);
  const labels = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = nextInt(r, 10) === 0 ? 255 : nextInt(r, C);
    predicted[i] = nextRandom(r) < 0.7 ? labels[i] % C : nextInt(r, C);
    values[i] = nextRandom(r) * 2.2 - 0.1; // some below 0 and above log 6 = 1.79
  }
  return { labels, predicted, values };
}

/** the bin by a formula apart from the float bits: 0 for <= 0, 1 below 2^-40, then 1,024 per octave */
function referenceBin(v: number, last: number): number {
  if (v <= 0) return 0;
  if (v < 2 ** -40) return 1;
  const e = Math.floor(Math.log2(v));
  const k = Math.floor((v / 2 ** e - 1) * 1024);
  return Math.min(last, 2 + (e + 40) * 1024 + k);
}

const s = suite('uncertainty histogram');
s('default maxima: ln C for entropy and MI, (1 - 1/C) / C for variance (reached by one-hot samples on each class in turn)', () => {
  assert.is(defaultUncertaintyMax('entropy', 12), Math.log(12));
  assert.is(defaultUncertaintyMax('mutualInformation', 12), Math.log(12));
  assert.is(defaultUncertaintyMax('variance', 12), (1 - 1 / 12) / 12);
  // samples one-hot on each of C classes in turn: mean 1/C each, Var p_k = 1/C - 1/C^2, which is the bound
  const c = 4;
  let v = 0;
  for (let k = 0; k < c; k++) v += 1 / c - 1 / c ** 2;
  assert.ok(Math.abs(v / c - defaultUncertaintyMax('variance', c)) < 1e-15);
});
s('counts and errors per bin match a per-pixel formula (log2, not float bits), negatives in bin 0, above max in the last', () => {
  const im = image(1, 4000);
  const r = createRandom(9);
  for (let i = 0; i < im.values.length; i++) if (i % 3 === 0) im.values[i] = 10 ** (-15 + 15 * nextRandom(r));
  im.values[7] = 0;
  im.values[8] = -1e-9;
  const h = addToUncertaintyHistogram(createUncertaintyHistogram('entropy', C), im.labels, im.predicted, im.values, 255);
  const last = h.count.length - 1;
  const count = new Float64Array(h.count.length);
  const errors = new Float64Array(h.count.length);
  for (let i = 0; i < im.labels.length; i++) {
    if (im.labels[i] === 255) continue;
    const b = referenceBin(im.values[i], last);
    count[b]++;
    if (im.labels[i] !== im.predicted[i]) errors[b]++;
  }
  assert.equal(Array.from(h.count), Array.from(count));
  assert.equal(Array.from(h.errors), Array.from(errors));
  assert.ok(h.count[0] >= 2 && h.count[last] > 0 && h.count[1] > 0);
});
s('merge(A, B) equals stats over A ∪ B exactly; JSON round-trips', () => {
  const a = image(2, 1000);
  const b = image(3, 1200);
  const ha = addToUncertaintyHistogram(createUncertaintyHistogram('variance', C), a.labels, a.predicted, a.values, 255);
  const hb = addToUncertaintyHistogram(createUncertaintyHistogram('variance', C), b.labels, b.predicted, b.values, 255);
  const all = addToUncertaintyHistogram(addToUncertaintyHistogram(createUncertaintyHistogram('variance', C), a.labels, a.predicted, a.values, 255), b.labels, b.predicted, b.values, 255);
  const merged = uncertaintyHistogramToJSON(mergeUncertaintyHistograms(ha, hb));
  assert.equal(merged, uncertaintyHistogramToJSON(all));
  assert.equal(uncertaintyHistogramToJSON(uncertaintyHistogramFromJSON(JSON.parse(JSON.stringify(merged)) as unknown)), merged);
});
s('EXPECTED FAILURE: NaN value, bad label, mismatched merge, bad kind', () => {
  const im = image(4, 20);
  im.values[5] = NaN;
  assert.throws(() => addToUncertaintyHistogram(createUncertaintyHistogram('entropy', C), im.labels, im.predicted, im.values, 255), (e: unknown) => e instanceof RangeError && /entropy\[5\] = NaN/.test(e.message));
  im.values[5] = 0;
  im.labels[3] = 100;
  assert.throws(() => addToUncertaintyHistogram(createUncertaintyHistogram('entropy', C), im.labels, im.predicted, im.values, 255), (e: unknown) => e instanceof RangeError && /labels\[3\] = 100/.test(e.message));
  throwsError(() => mergeUncertaintyHistograms(createUncertaintyHistogram('entropy', C), createUncertaintyHistogram('variance', C)), RangeError, /^cannot merge statistics with different kind: entropy vs variance$/);
  throwsError(() => createUncertaintyHistogram('foo' as 'entropy', C), RangeError, /^kind must be one of entropy, mutualInformation, variance, got foo$/);
  throwsError(() => createUncertaintyHistogram('entropy', C, { max: 0 }), RangeError, /^max must be a number in \[9\.094947017729282e-13, 1000000\], got 0$/);
  throwsError(() => mergeUncertaintyHistograms(createUncertaintyHistogram('entropy', C), createUncertaintyHistogram('entropy', C, { mantissaBits: 8 })), RangeError, /^cannot merge statistics with different mantissaBits: 10 vs 8$/);
  const ok = image(5, 50);
  const json = uncertaintyHistogramToJSON(addToUncertaintyHistogram(createUncertaintyHistogram('entropy', C), ok.labels, ok.predicted, ok.values, 255));
  assert.throws(() => uncertaintyHistogramFromJSON({ ...json, bins: { index: [5, 3], values: [[1, 1], [0, 0]] } }), (e: unknown) => e instanceof RangeError && /index\[1\] = 3/.test(e.message));
  assert.throws(() => uncertaintyHistogramFromJSON({ ...json, bins: { index: [5], values: [[1], [2]] } }), (e: unknown) => e instanceof RangeError && /2 errors among 1 pixels/.test(e.message));
  assert.throws(() => uncertaintyHistogramFromJSON({ ...json, layout: { floor: 0.3, max: 1, mantissaBits: 10 } }), (e: unknown) => e instanceof RangeError && /power of two/.test(e.message));
});
s.run();
