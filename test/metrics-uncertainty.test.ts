import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import {
  accuracyByUncertaintyPercentile,
  areaUnderSparsificationError,
  aurocTieBound,
  misclassificationAUPR,
  misclassificationAUROC,
  sparsificationCurve,
} from '../lib/metrics/uncertainty';
import { addToUncertaintyHistogram, createUncertaintyHistogram } from '../lib/metrics/uncertainty-stats';
import { addPixels, createPool, exactAUPR, exactAUROC, exactAUSE } from './fixtures/exact-uncertainty';
import { throwsError } from './fixtures/throws';

const C = 5;
const BINS = 64;
const MAX = Math.log(C);
const N = 3000;

/** values on 64 levels >= 1.5% apart (each its own log bin, so bins = exact ties); error probability rises with uncertainty */
function fixture(seed: number) {
  const r = createRandom(seed);
  const labels = new Uint8Array(N);
  const predicted = new Uint8Array(N);
  const values = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const b = Math.min(BINS - 1, Math.floor(nextRandom(r) ** 2 * BINS));
    values[i] = ((b + 0.5) * MAX) / BINS;
    labels[i] = nextInt(r, C);
    predicted[i] = nextRandom(r) < 0.15 + (0.6 * b) / BINS ? (labels[i] + 1) % C : labels[i];
  }
  return { labels, predicted, values };
}
const fx = fixture(1);
const h = addToUncertaintyHistogram(createUncertaintyHistogram('entropy', C), fx.labels, fx.predicted, fx.values);
const err = (i: number) => (fx.labels[i] !== fx.predicted[i] ? 1 : 0);
const idx = Array.from({ length: N }, (_, i) => i);

/** groups of exactly tied values, ascending */
function tieGroups(): { n: number; e: number }[] {
  const sorted = idx.slice().sort((a, b) => fx.values[a] - fx.values[b]);
  const groups: { v: number; n: number; e: number }[] = [];
  for (const i of sorted) {
    const last = groups[groups.length - 1];
    if (last && last.v === fx.values[i]) {
      last.n++;
      last.e += err(i);
    } else groups.push({ v: fx.values[i], n: 1, e: err(i) });
  }
  return groups;
}
/** reference: the `keep` most certain pixels, a partial tie group contributing its share */
function refKeep(keep: number) {
  let kept = 0;
  let e = 0;
  for (const g of tieGroups()) {
    const take = Math.min(g.n, keep - kept);
    if (take <= 0) break;
    kept += take;
    e += (g.e * take) / g.n;
  }
  return { kept, e };
}
const totalErrors = idx.reduce((s, i) => s + err(i), 0);

const s = suite('uncertainty metrics');
s('accuracyByUncertaintyPercentile matches sorted pixels', () => {
  const got = accuracyByUncertaintyPercentile(h, [10, 25, 50, 90, 100]);
  for (const { percentile, accuracy } of got) {
    const r = refKeep((percentile / 100) * N);
    assert.ok(Math.abs(accuracy - (1 - r.e / r.kept)) < 1e-12, `p=${percentile}`);
  }
  assert.ok(Math.abs(got[4].accuracy - (1 - totalErrors / N)) < 1e-12);
  assert.ok(got[0].accuracy > got[4].accuracy, 'the most certain pixels are more accurate');
  assert.ok(Number.isNaN(accuracyByUncertaintyPercentile(h, [0])[0].accuracy));
});
s('sparsificationCurve and its oracle match sorted pixels', () => {
  const fractions = [0, 0.1, 0.33, 0.5, 0.9, 0.99];
  const curve = sparsificationCurve(h, fractions);
  const E = totalErrors / N;
  fractions.forEach((f, j) => {
    const r = refKeep((1 - f) * N);
    assert.ok(Math.abs(curve.error[j] - r.e / r.kept) < 1e-12, `f=${f}`);
    // oracle by brute force: drop errors first
    const sortedErrFirst = idx.slice().sort((a, b) => err(b) - err(a));
    const remaining = sortedErrFirst.slice(Math.round(f * N));
    assert.ok(Math.abs(curve.oracle[j] - remaining.reduce((s2, i) => s2 + err(i), 0) / remaining.length) < 1e-3);
    assert.ok(Math.abs(curve.oracle[j] - Math.max(0, E - f) / (1 - f)) < 1e-12);
  });
});
s('areaUnderSparsificationError: trapezoid of curve - oracle', () => {
  const fractions = Array.from({ length: 50 }, (_, i) => i / 50);
  let ref = 0;
  for (let i = 1; i < fractions.length; i++) {
    const g = (f: number) => {
      const r = refKeep((1 - f) * N);
      const E = totalErrors / N;
      return r.e / r.kept - Math.max(0, E - f) / (1 - f);
    };
    ref += ((fractions[i] - fractions[i - 1]) * (g(fractions[i - 1]) + g(fractions[i]))) / 2;
  }
  assert.ok(Math.abs(areaUnderSparsificationError(h, fractions) - ref) < 1e-9);
  assert.ok(ref > 0);
});
s('misclassificationAUROC = pairwise probability with ties as 1/2', () => {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < N; i++) {
    if (!err(i)) continue;
    for (let j = 0; j < N; j++) {
      if (err(j)) continue;
      pairs++;
      wins += fx.values[i] > fx.values[j] ? 1 : fx.values[i] === fx.values[j] ? 0.5 : 0;
    }
  }
  assert.ok(Math.abs(misclassificationAUROC(h) - wins / pairs) < 1e-12);
  assert.ok(wins / pairs > 0.6);
});
s('misclassificationAUPR = average precision over tied thresholds', () => {
  const groups = tieGroups().reverse();
  let ap = 0;
  let flagged = 0;
  let tp = 0;
  for (const g of groups) {
    flagged += g.n;
    tp += g.e;
    ap += (g.e / totalErrors) * (tp / flagged);
  }
  assert.ok(Math.abs(misclassificationAUPR(h) - ap) < 1e-12);
  assert.ok(ap > totalErrors / N, 'better than the base rate');
});
s('edge: no errors -> NaN AUROC/AUPR; perfect ranking -> AUROC 1, AUSE 0', () => {
  const perfect = createUncertaintyHistogram('entropy', 2);
  addToUncertaintyHistogram(perfect, new Uint8Array([0, 0, 0, 0]), new Uint8Array([0, 0, 1, 1]), new Float32Array([0.01, 0.01, 0.6, 0.6]));
  assert.is(misclassificationAUROC(perfect), 1);
  assert.is(misclassificationAUPR(perfect), 1);
  assert.ok(Math.abs(areaUnderSparsificationError(perfect, [0, 0.25, 0.5, 0.75])) < 1e-12);
  const none = createUncertaintyHistogram('entropy', 2);
  addToUncertaintyHistogram(none, new Uint8Array([0, 1]), new Uint8Array([0, 1]), new Float32Array([0.1, 0.2]));
  assert.ok(Number.isNaN(misclassificationAUROC(none)));
  assert.ok(Number.isNaN(misclassificationAUPR(none)));
});
s('continuous values over 12 decades (where equal-width bins failed): within 1e-5 (AUROC, AUSE) and 1e-4 (AUPR) of the exact sort, AUROC inside its bound', () => {
  const r = createRandom(7);
  const n = 200_000;
  const labels = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // log-uniform over [1e-12, 0.1] (2% exact zeros), errors likelier when higher
    const z = nextRandom(r);
    values[i] = nextInt(r, 50) === 0 ? 0 : 10 ** (-12 + 11 * z);
    labels[i] = nextInt(r, C);
    predicted[i] = nextRandom(r) < 0.02 + 0.3 * z ** 3 ? (labels[i] + 1) % C : labels[i];
  }
  const hist = addToUncertaintyHistogram(createUncertaintyHistogram('variance', C), labels, predicted, values);
  const pool = createPool();
  addPixels(pool, labels, predicted, values, null);
  const auroc = exactAUROC(pool);
  const bound = aurocTieBound(hist);
  assert.ok(Math.abs(misclassificationAUROC(hist) - auroc) <= bound + 1e-12, `|${misclassificationAUROC(hist)} - ${auroc}| > bound ${bound}`);
  // the bound counts the exact zeros (bin 0) as if they could be ordered: ~2e-4 of it is theirs
  assert.ok(bound < 3e-4, `bound ${bound}`);
  assert.ok(Math.abs(misclassificationAUROC(hist) - auroc) < 1e-5, `AUROC ${misclassificationAUROC(hist)} vs ${auroc}`);
  assert.ok(Math.abs(misclassificationAUPR(hist) - exactAUPR(pool)) < 1e-4, `AUPR ${misclassificationAUPR(hist)} vs ${exactAUPR(pool)}`);
  assert.ok(Math.abs(areaUnderSparsificationError(hist) - exactAUSE(pool)) < 1e-5, `AUSE ${areaUnderSparsificationError(hist)} vs ${exactAUSE(pool)}`);
  assert.ok(auroc > 0.7);
});
s('aurocTieBound: 0 when no bin mixes errors and correct pixels, 1/2 when one bin holds all', () => {
  const apart = createUncertaintyHistogram('entropy', 2);
  addToUncertaintyHistogram(apart, new Uint8Array([0, 0, 0]), new Uint8Array([0, 1, 1]), new Float32Array([0.3, 0.3003, 0.31]));
  assert.is(aurocTieBound(apart), 0);
  const one = createUncertaintyHistogram('entropy', 2);
  addToUncertaintyHistogram(one, new Uint8Array([0, 0, 0]), new Uint8Array([0, 1, 0]), new Float32Array([0.3, 0.3, 0.3]));
  assert.is(aurocTieBound(one), 0.5);
  assert.is(misclassificationAUROC(one), 0.5);
});
s('EXPECTED FAILURE: fractions and percentiles out of range', () => {
  throwsError(() => sparsificationCurve(h, [0, 1]), RangeError, /^fractions\[1\] must be a number in \[0, 1\), got 1$/);
  throwsError(() => accuracyByUncertaintyPercentile(h, [101]), RangeError, /^percentiles\[0\] must be a number in \[0, 100\], got 101$/);
  throwsError(() => areaUnderSparsificationError(h, [0.5, 0.1]), RangeError, /^fractions must ascend, got 0\.5 then 0\.1$/);
});
s.run();
