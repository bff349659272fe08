/**
 * Streamed calibration statistics: equal-width confidence bins (count, sum of confidence,
 * correct), a fine confidence histogram for adaptive (equal-mass) bins, class-wise bins over
 * each p_k, and sums of the per-pixel Brier score and NLL. All merge exactly (see fixed-sum.ts).
 *
 * Binning: value v in [0, 1] falls in bin min(B - 1, floor(v * B)), i.e. [b/B, (b+1)/B) with the
 * last bin closed. Confidences and probabilities up to 1 + 1e-5 (float rounding of a mean) are
 * accepted and clamped to 1; anything else outside [0, 1] is a RangeError.
 */
import { DEFAULT_BINS } from '../defaults';
import type { CalibrationStats, MetricImageInput } from './types';
import {
  FIXED_CHUNK,
  FIXED_SCALE,
  createFixedSums,
  fixedSumsFromJSON,
  fixedSumsToJSON,
  mergeFixedSums,
  normalizeFixedSums,
  type FixedSumsJSON,
} from './fixed-sum';
import {
  addArrays,
  checkArray,
  checkIgnoreIndex,
  checkLabels,
  checkNumClasses,
  checkObject,
  checkPredicted,
  checkSame,
  countsFromJSON,
} from './validate';
import { checkBins, checkInteger } from '../validate';

/** probability floor inside the NLL: -log(max(p_y, NLL_FLOOR)) */
export const NLL_FLOOR = 1e-12;
const SLACK = 1 + 1e-5;

export interface CalibrationOptions {
  /** [bins=DEFAULT_BINS] equal-width confidence bins (also the class-wise bins) */
  readonly bins?: number;
  /** [fineBins=1000] fine histogram for adaptive bins: equal-mass edges are quantised to 1/fineBins */
  readonly fineBins?: number;
}

export type CalibrationInput = Pick<MetricImageInput, 'labels' | 'predicted' | 'confidence' | 'probs'>;

export function createCalibrationStats(numClasses: number, options: CalibrationOptions = {}): CalibrationStats {
  const c = checkNumClasses(numClasses);
  const { bins = DEFAULT_BINS, fineBins = 1000 } = options;
  checkBins('bins', bins);
  checkInteger('fineBins', fineBins, 1, 1_000_000);
  return {
    numClasses: c,
    bins,
    fineBins,
    count: new Float64Array(bins),
    sumConfidence: createFixedSums(bins),
    correct: new Float64Array(bins),
    fineCount: new Float64Array(fineBins),
    fineSumConfidence: createFixedSums(fineBins),
    fineCorrect: new Float64Array(fineBins),
    probPixels: 0,
    classCount: new Float64Array(c * bins),
    classSumProb: createFixedSums(c * bins),
    classHits: new Float64Array(c * bins),
    sumBrier: createFixedSums(1),
    sumNll: createFixedSums(1),
  };
}

function badProbability(name: string, index: number, value: number): RangeError {
  return new RangeError(`${name}[${index}] = ${value} is not a probability in [0, 1]`);
}

/**
 * Adds one image in place.
 * @param image.labels [N], image.predicted [N], image.confidence [N] in [0, 1]
 * @param image.probs optional class-major [C, N] mean probabilities (Brier, NLL, class-wise ECE)
 * @param [ignoreIndex] label value to skip (none by default)
 */
export function addToCalibration(stats: CalibrationStats, image: CalibrationInput, ignoreIndex?: number | null): CalibrationStats {
  const ignore = checkIgnoreIndex(ignoreIndex);
  const C = stats.numClasses;
  const labels = checkArray('labels', image.labels, Uint8Array, null);
  const n = labels.length;
  const predicted = checkArray('predicted', image.predicted, Uint8Array, n);
  const confidence = checkArray('confidence', image.confidence, Float32Array, n);
  const probs = image.probs === undefined ? null : checkArray('probs', image.probs, Float32Array, C * n);
  checkLabels('labels', labels, C, ignore);
  checkPredicted('predicted', predicted, C);

  const { bins, fineBins, count, correct, fineCount, fineCorrect, classCount, classHits } = stats;
  const sumLo = stats.sumConfidence.lo;
  const fineSumLo = stats.fineSumConfidence.lo;
  const classSumLo = stats.classSumProb.lo;
  const brierLo = stats.sumBrier.lo;
  const nllLo = stats.sumNll.lo;
  for (let start = 0; start < n; start += FIXED_CHUNK) {
    const end = Math.min(n, start + FIXED_CHUNK);
    let probPixels = 0;
    for (let i = start; i < end; i++) {
      const y = labels[i];
      if (y === ignore) continue;
      let c = confidence[i];
      if (!(c >= 0 && c <= SLACK)) throw badProbability('confidence', i, c);
      if (c > 1) c = 1;
      const hit = predicted[i] === y ? 1 : 0;
      const units = Math.round(c * FIXED_SCALE);
      const b = Math.min(bins - 1, Math.floor(c * bins));
      count[b] += 1;
      sumLo[b] += units;
      correct[b] += hit;
      const f = Math.min(fineBins - 1, Math.floor(c * fineBins));
      fineCount[f] += 1;
      fineSumLo[f] += units;
      fineCorrect[f] += hit;
      if (probs === null) continue;
      let brier = 0;
      let py = 0;
      for (let k = 0; k < C; k++) {
        let p = probs[k * n + i];
        if (!(p >= 0 && p <= SLACK)) throw badProbability('probs', k * n + i, p);
        if (p > 1) p = 1;
        const t = k === y ? 1 : 0;
        if (t === 1) py = p;
        brier += (p - t) * (p - t);
        const cb = k * bins + Math.min(bins - 1, Math.floor(p * bins));
        classCount[cb] += 1;
        classSumLo[cb] += Math.round(p * FIXED_SCALE);
        classHits[cb] += t;
      }
      brierLo[0] += Math.round(brier * FIXED_SCALE);
      nllLo[0] += Math.round(-Math.log(Math.max(py, NLL_FLOOR)) * FIXED_SCALE);
      probPixels++;
    }
    stats.probPixels += probPixels;
    normalizeFixedSums(stats.sumConfidence);
    normalizeFixedSums(stats.fineSumConfidence);
    normalizeFixedSums(stats.classSumProb);
    normalizeFixedSums(stats.sumBrier);
    normalizeFixedSums(stats.sumNll);
  }
  return stats;
}

/** a + b (new stats), exact. */
export function mergeCalibrationStats(a: CalibrationStats, b: CalibrationStats): CalibrationStats {
  checkSame('numClasses', a.numClasses, b.numClasses);
  checkSame('bins', a.bins, b.bins);
  checkSame('fineBins', a.fineBins, b.fineBins);
  return {
    numClasses: a.numClasses,
    bins: a.bins,
    fineBins: a.fineBins,
    count: addArrays(a.count, b.count),
    sumConfidence: mergeFixedSums(a.sumConfidence, b.sumConfidence),
    correct: addArrays(a.correct, b.correct),
    fineCount: addArrays(a.fineCount, b.fineCount),
    fineSumConfidence: mergeFixedSums(a.fineSumConfidence, b.fineSumConfidence),
    fineCorrect: addArrays(a.fineCorrect, b.fineCorrect),
    probPixels: a.probPixels + b.probPixels,
    classCount: addArrays(a.classCount, b.classCount),
    classSumProb: mergeFixedSums(a.classSumProb, b.classSumProb),
    classHits: addArrays(a.classHits, b.classHits),
    sumBrier: mergeFixedSums(a.sumBrier, b.sumBrier),
    sumNll: mergeFixedSums(a.sumNll, b.sumNll),
  };
}

export interface CalibrationStatsJSON {
  readonly numClasses: number;
  readonly bins: number;
  readonly fineBins: number;
  readonly count: number[];
  readonly sumConfidence: FixedSumsJSON;
  readonly correct: number[];
  readonly fineCount: number[];
  readonly fineSumConfidence: FixedSumsJSON;
  readonly fineCorrect: number[];
  readonly probPixels: number;
  readonly classCount: number[];
  readonly classSumProb: FixedSumsJSON;
  readonly classHits: number[];
  readonly sumBrier: FixedSumsJSON;
  readonly sumNll: FixedSumsJSON;
}

export function calibrationStatsToJSON(s: CalibrationStats): CalibrationStatsJSON {
  return {
    numClasses: s.numClasses,
    bins: s.bins,
    fineBins: s.fineBins,
    count: Array.from(s.count),
    sumConfidence: fixedSumsToJSON(s.sumConfidence),
    correct: Array.from(s.correct),
    fineCount: Array.from(s.fineCount),
    fineSumConfidence: fixedSumsToJSON(s.fineSumConfidence),
    fineCorrect: Array.from(s.fineCorrect),
    probPixels: s.probPixels,
    classCount: Array.from(s.classCount),
    classSumProb: fixedSumsToJSON(s.classSumProb),
    classHits: Array.from(s.classHits),
    sumBrier: fixedSumsToJSON(s.sumBrier),
    sumNll: fixedSumsToJSON(s.sumNll),
  };
}

export function calibrationStatsFromJSON(value: unknown): CalibrationStats {
  const o = checkObject('calibration', value);
  const c = checkNumClasses(o.numClasses);
  const bins = checkBins('calibration.bins', o.bins);
  const fineBins = checkInteger('calibration.fineBins', o.fineBins, 1, 1_000_000);
  return {
    numClasses: c,
    bins,
    fineBins,
    count: countsFromJSON('calibration.count', o.count, bins),
    sumConfidence: fixedSumsFromJSON('calibration.sumConfidence', o.sumConfidence, bins),
    correct: countsFromJSON('calibration.correct', o.correct, bins),
    fineCount: countsFromJSON('calibration.fineCount', o.fineCount, fineBins),
    fineSumConfidence: fixedSumsFromJSON('calibration.fineSumConfidence', o.fineSumConfidence, fineBins),
    fineCorrect: countsFromJSON('calibration.fineCorrect', o.fineCorrect, fineBins),
    probPixels: checkInteger('calibration.probPixels', o.probPixels, 0, Number.MAX_SAFE_INTEGER),
    classCount: countsFromJSON('calibration.classCount', o.classCount, c * bins),
    classSumProb: fixedSumsFromJSON('calibration.classSumProb', o.classSumProb, c * bins),
    classHits: countsFromJSON('calibration.classHits', o.classHits, c * bins),
    sumBrier: fixedSumsFromJSON('calibration.sumBrier', o.sumBrier, 1),
    sumNll: fixedSumsFromJSON('calibration.sumNll', o.sumNll, 1),
  };
}
