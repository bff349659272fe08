import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addToCalibration,
  calibrationStatsFromJSON,
  calibrationStatsToJSON,
  createCalibrationStats,
  mergeCalibrationStats,
} from '../lib/metrics/calibration-stats';
import { fixedSumValue } from '../lib/metrics/fixed-sum';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import { throwsError } from './fixtures/throws';

const C = 4;
const IGNORE = 255;

function image(seed: number, n: number) {
  const r = createRandom(seed);
  const labels = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  const confidence = new Float32Array(n);
  const probs = new Float32Array(C * n);
  for (let i = 0; i < n; i++) {
    labels[i] = nextInt(r, 12) === 0 ? IGNORE : nextInt(r, C);
    let total = 0;
    for (let k = 0; k < C; k++) total += probs[k * n + i] = nextRandom(r) ** 3;
    let best = 0;
    for (let k = 0; k < C; k++) {
      probs[k * n + i] /= total;
      if (probs[k * n + i] > probs[best * n + i]) best = k;
    }
    predicted[i] = best;
    confidence[i] = probs[best * n + i];
  }
  return { labels, predicted, confidence, probs };
}

const s = suite('calibration stats');
s('bins count, confidence sum and correct per bin (loop reference)', () => {
  const im = image(1, 3000);
  const st = addToCalibration(createCalibrationStats(C, { bins: 10 }), im, IGNORE);
  for (let b = 0; b < 10; b++) {
    let n = 0;
    let conf = 0;
    let correct = 0;
    for (let i = 0; i < im.labels.length; i++) {
      const c = im.confidence[i];
      if (im.labels[i] === IGNORE || c < b / 10 || (c >= (b + 1) / 10 && b < 9)) continue;
      n++;
      conf += c;
      if (im.predicted[i] === im.labels[i]) correct++;
    }
    assert.is(st.count[b], n);
    assert.is(st.correct[b], correct);
    assert.ok(Math.abs(fixedSumValue(st.sumConfidence, b) - conf) < 1e-4 * Math.max(1, n) * 1e-2 + 1e-6);
  }
});
s('merge(A, B) equals stats over A ∪ B exactly, in any order; JSON round-trips', () => {
  const a = image(2, 2000);
  const b = image(3, 2500);
  const sa = addToCalibration(createCalibrationStats(C), a, IGNORE);
  const sb = addToCalibration(createCalibrationStats(C), b, IGNORE);
  const ba = addToCalibration(addToCalibration(createCalibrationStats(C), b, IGNORE), a, IGNORE);
  const merged = calibrationStatsToJSON(mergeCalibrationStats(sa, sb));
  assert.equal(merged, calibrationStatsToJSON(ba));
  const back = calibrationStatsFromJSON(JSON.parse(JSON.stringify(merged)) as unknown);
  assert.equal(calibrationStatsToJSON(back), merged);
});
s('images beyond one fixed-sum chunk (2^20 pixels) sum exactly', () => {
  const n = 2 ** 20 + 4097;
  const labels = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  const confidence = new Float32Array(n).fill(0.75);
  const probs = new Float32Array(2 * n).fill(0.5);
  const st = addToCalibration(createCalibrationStats(2), { labels, predicted, confidence, probs });
  assert.is(fixedSumValue(st.sumConfidence, 11), 0.75 * n);
  assert.is(fixedSumValue(st.sumBrier, 0), 0.5 * n);
  const half = n >> 1;
  const part = (a: number, b: number) => addToCalibration(createCalibrationStats(2), { labels: labels.subarray(a, b), predicted: predicted.subarray(a, b), confidence: confidence.subarray(a, b) });
  const whole = addToCalibration(createCalibrationStats(2), { labels, predicted, confidence });
  assert.equal(calibrationStatsToJSON(mergeCalibrationStats(part(0, half), part(half, n))), calibrationStatsToJSON(whole));
});
s('probs are optional: Brier/NLL counts only pixels with probs', () => {
  const a = image(4, 500);
  const st = addToCalibration(createCalibrationStats(C), { labels: a.labels, predicted: a.predicted, confidence: a.confidence }, IGNORE);
  assert.is(st.probPixels, 0);
  addToCalibration(st, a, IGNORE);
  assert.is(st.probPixels, Array.from(a.labels).filter((y) => y !== IGNORE).length);
});
s('EXPECTED FAILURE: bad confidence, probs, labels', () => {
  const a = image(5, 10);
  const conf = Float32Array.from(a.confidence);
  conf[3] = 1.5;
  assert.throws(() => addToCalibration(createCalibrationStats(C), { ...a, confidence: conf }, IGNORE), (e: unknown) => e instanceof RangeError && /confidence\[3\] = 1.5/.test(e.message));
  conf[3] = NaN;
  throwsError(() => addToCalibration(createCalibrationStats(C), { ...a, confidence: conf }, IGNORE), RangeError, /^confidence\[3\] = NaN is not a probability in \[0, 1\]$/);
  const labels = Uint8Array.from(a.labels);
  labels[6] = 9;
  assert.throws(() => addToCalibration(createCalibrationStats(C), { ...a, labels }, IGNORE), (e: unknown) => e instanceof RangeError && /labels\[6\] = 9/.test(e.message));
  throwsError(() => addToCalibration(createCalibrationStats(C), { ...a, probs: new Float32Array(5) }, IGNORE), RangeError, /^probs must have length 40, got 5$/);
  throwsError(() => mergeCalibrationStats(createCalibrationStats(C), createCalibrationStats(C, { bins: 10 })), RangeError, /^cannot merge statistics with different bins: 15 vs 10$/);
  throwsError(() => createCalibrationStats(C, { bins: 0 }), RangeError, /^bins must be an integer in 1\.\.10000, got 0$/);
});
s('BAD CALL: wrong array kinds', () => {
  const a = image(6, 10);
  throwsError(() => addToCalibration(createCalibrationStats(C), { ...a, confidence: new Float64Array(10) as unknown as Float32Array }), TypeError, /^confidence must be a Float32Array, got Float64Array$/);
});
s.run();
