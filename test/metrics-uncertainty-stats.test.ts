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

const s = suite('uncertainty histogram');
s('are functions', () => {
  for (const f of [createUncertaintyHistogram, addToUncertaintyHistogram, mergeUncertaintyHistograms, defaultUncertaintyMax]) assert.type(f, 'function');
});
s('default ranges', () => {
  assert.is(defaultUncertaintyMax('entropy', 12), Math.log(12));
  assert.is(defaultUncertaintyMax('mutualInformation', 12), Math.log(12));
  assert.is(defaultUncertaintyMax('variance', 12), 0.25);
});
s('counts and errors per bin match a per-bin loop, clamping out-of-range values', () => {
  const im = image(1, 4000);
  const bins = 40;
  const max = Math.log(C);
  const h = addToUncertaintyHistogram(createUncertaintyHistogram('entropy', C, { bins }), im.labels, im.predicted, im.values, 255);
  for (let b = 0; b < bins; b++) {
    let n = 0;
    let e = 0;
    for (let i = 0; i < im.labels.length; i++) {
      if (im.labels[i] === 255) continue;
      const v = Math.min(max, Math.max(0, im.values[i]));
      const inBin = (v >= (b * max) / bins || b === 0) && (v < ((b + 1) * max) / bins || b === bins - 1);
      if (!inBin) continue;
      n++;
      if (im.labels[i] !== im.predicted[i]) e++;
    }
    assert.is(h.count[b], n, `bin ${b}`);
    assert.is(h.errors[b], e, `bin ${b}`);
  }
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
  assert.throws(() => mergeUncertaintyHistograms(createUncertaintyHistogram('entropy', C), createUncertaintyHistogram('variance', C)), RangeError);
  assert.throws(() => createUncertaintyHistogram('foo' as 'entropy', C), RangeError);
  assert.throws(() => createUncertaintyHistogram('entropy', C, { max: 0 }), RangeError);
});
s.run();
