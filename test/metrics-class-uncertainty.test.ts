import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addToClassUncertainty,
  classUncertaintyStatsFromJSON,
  classUncertaintyStatsToJSON,
  createClassUncertaintyStats,
  mergeClassUncertaintyStats,
  perClassMeanUncertainty,
} from '../lib/metrics/class-uncertainty';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import { throwsError } from './fixtures/throws';

const C = 5;
function image(seed: number, n: number) {
  const r = createRandom(seed);
  const labels = new Uint8Array(n);
  const entropy = new Float32Array(n);
  const mutualInformation = new Float32Array(n);
  const variance = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = nextInt(r, 10) === 0 ? 255 : nextInt(r, C - 1); // class 4 absent
    entropy[i] = nextRandom(r) * (1 + labels[i] / 4); // up to 1.75 > log 5: clamped
    mutualInformation[i] = nextRandom(r) * 0.2 - 0.01; // slightly negative values are clamped to 0
    variance[i] = nextRandom(r) * 0.05;
  }
  return { labels, uncertainties: { entropy, mutualInformation, variance } };
}

const s = suite('per-class mean uncertainty');
s('matches per-class loops; NaN for absent class', () => {
  const ims = [image(1, 2000), image(2, 1500)];
  const st = createClassUncertaintyStats(C);
  for (const im of ims) addToClassUncertainty(st, im.labels, im.uncertainties, 255);
  for (const kind of ['entropy', 'mutualInformation', 'variance'] as const) {
    const got = perClassMeanUncertainty(st, kind);
    for (let k = 0; k < C; k++) {
      let sum = 0;
      let n = 0;
      for (const im of ims) {
        for (let i = 0; i < im.labels.length; i++) {
          if (im.labels[i] !== k) continue;
          sum += Math.min(kind === 'variance' ? 0.25 : Math.log(C), Math.max(0, im.uncertainties[kind][i]));
          n++;
        }
      }
      if (n === 0) assert.ok(Number.isNaN(got[k]));
      else assert.ok(Math.abs(got[k] - sum / n) < 1e-7, `${kind} class ${k}`);
    }
  }
});
s('merge(A, B) equals stats over A ∪ B exactly; JSON round-trips', () => {
  const a = image(3, 800);
  const b = image(4, 900);
  const sa = addToClassUncertainty(createClassUncertaintyStats(C), a.labels, a.uncertainties, 255);
  const sb = addToClassUncertainty(createClassUncertaintyStats(C), b.labels, b.uncertainties, 255);
  const all = addToClassUncertainty(addToClassUncertainty(createClassUncertaintyStats(C), a.labels, a.uncertainties, 255), b.labels, b.uncertainties, 255);
  const merged = classUncertaintyStatsToJSON(mergeClassUncertaintyStats(sa, sb));
  assert.equal(merged, classUncertaintyStatsToJSON(all));
  assert.equal(classUncertaintyStatsToJSON(classUncertaintyStatsFromJSON(JSON.parse(JSON.stringify(merged)) as unknown)), merged);
});
s('EXPECTED FAILURE: length mismatch, NaN, label out of range', () => {
  const a = image(5, 10);
  throwsError(() => addToClassUncertainty(createClassUncertaintyStats(C), a.labels, { ...a.uncertainties, variance: new Float32Array(3) }, 255), RangeError, /^uncertainties\.variance must have length 10, got 3$/);
  const at = a.labels.findIndex((y) => y !== 255);
  a.uncertainties.entropy[at] = Infinity;
  assert.throws(() => addToClassUncertainty(createClassUncertaintyStats(C), a.labels, a.uncertainties, 255), (e: unknown) => e instanceof RangeError && e.message.includes(`entropy[${at}] = Infinity`));
  a.labels[at + 1] = 255;
  assert.throws(() => addToClassUncertainty(createClassUncertaintyStats(C), a.labels, a.uncertainties), (e: unknown) => e instanceof RangeError && /= 255/.test(e.message));
});
s.run();
