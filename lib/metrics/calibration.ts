/**
 * Calibration metrics from streamed CalibrationStats (calibration-stats.ts). Pure functions;
 * NaN when there are no pixels to define a value.
 */
import type { CalibrationStats } from './types';
import { fixedSumValue } from './fixed-sum';
import { checkInteger } from '../validate';

function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/**
 * ECE (Guo et al. 2017) over the equal-width bins: sum_b n_b / N * |accuracy_b - confidence_b|.
 */
export function expectedCalibrationError(stats: CalibrationStats): number {
  const n = sum(stats.count);
  if (n === 0) return NaN;
  let ece = 0;
  for (let b = 0; b < stats.bins; b++) {
    ece += Math.abs(stats.correct[b] - fixedSumValue(stats.sumConfidence, b));
  }
  return ece / n;
}

/** MCE: max over non-empty equal-width bins of |accuracy_b - confidence_b|. */
export function maximumCalibrationError(stats: CalibrationStats): number {
  let mce = NaN;
  for (let b = 0; b < stats.bins; b++) {
    const nb = stats.count[b];
    if (nb === 0) continue;
    const gap = Math.abs(stats.correct[b] - fixedSumValue(stats.sumConfidence, b)) / nb;
    mce = Number.isNaN(mce) ? gap : Math.max(mce, gap);
  }
  return mce;
}

/**
 * Adaptive (equal-mass) ECE: `bins` bins holding about N / bins pixels each.
 *
 * The bins are formed from the fine histogram: edge k is the fine-bin edge whose cumulative
 * count is nearest k * N / bins, so edges are quantised to 1 / stats.fineBins and pixels of one
 * fine bin are never split. A bin left empty (a fine bin holding more than N / bins pixels) is
 * dropped. Against exact sorted equal-mass bins, each edge moves at most the pixels of one fine
 * bin, so the difference is at most 2 * sum(those counts) / N.
 * @param [bins=stats.bins]
 */
export function adaptiveCalibrationError(stats: CalibrationStats, bins: number = stats.bins): number {
  checkInteger('bins', bins, 1, stats.fineBins);
  const { fineCount, fineCorrect, fineSumConfidence, fineBins } = stats;
  // cum[j] = pixels in fine bins < j, for the fine-bin edges j = 0..fineBins
  const cum = new Float64Array(fineBins + 1);
  for (let f = 0; f < fineBins; f++) cum[f + 1] = cum[f] + fineCount[f];
  const n = cum[fineBins];
  if (n === 0) return NaN;
  let ece = 0;
  let edge = 0;
  for (let k = 1; k <= bins; k++) {
    const target = (k * n) / bins;
    const from = edge;
    if (k === bins) {
      edge = fineBins;
    } else {
      // walk to the edge nearest the target; equal cumulative counts (empty fine bins) are
      // passed over, a tie between two different counts keeps the lower edge
      while (edge < fineBins && (cum[edge + 1] === cum[edge] || Math.abs(cum[edge + 1] - target) < Math.abs(cum[edge] - target))) edge++;
    }
    let binCorrect = 0;
    let binConfidence = 0;
    for (let f = from; f < edge; f++) {
      binCorrect += fineCorrect[f];
      binConfidence += fixedSumValue(fineSumConfidence, f);
    }
    ece += Math.abs(binCorrect - binConfidence);
  }
  return ece / n;
}

/**
 * Class-wise ECE (Kull et al. 2019): for each class k, equal-width bins over p_k with the
 * indicator label == k as the outcome, ECE_k = sum_b n_kb / N * |hits_kb / n_kb - mean p_k|;
 * the result is the mean of ECE_k over all classes. Uses only pixels that came with probs.
 */
export function classwiseCalibrationError(stats: CalibrationStats): number {
  const n = stats.probPixels;
  if (n === 0) return NaN;
  let total = 0;
  for (let i = 0; i < stats.classCount.length; i++) {
    total += Math.abs(stats.classHits[i] - fixedSumValue(stats.classSumProb, i));
  }
  return total / n / stats.numClasses;
}

/** Brier score: mean over pixels of sum_k (p_k - 1[y = k])^2, in [0, 2]. */
export function brierScore(stats: CalibrationStats): number {
  return stats.probPixels === 0 ? NaN : fixedSumValue(stats.sumBrier, 0) / stats.probPixels;
}

/** NLL: mean over pixels of -log(max(p_y, 1e-12)), nats. */
export function negativeLogLikelihood(stats: CalibrationStats): number {
  return stats.probPixels === 0 ? NaN : fixedSumValue(stats.sumNll, 0) / stats.probPixels;
}

/** Per equal-width bin, for plotting; accuracy/confidence/gap are NaN for empty bins. */
export interface ReliabilityDiagram {
  readonly binLower: number[];
  readonly binUpper: number[];
  /** mean confidence in the bin */
  readonly confidence: number[];
  /** fraction correct in the bin */
  readonly accuracy: number[];
  readonly count: number[];
  /** confidence - accuracy (> 0: over-confident) */
  readonly gap: number[];
}

export function reliabilityDiagram(stats: CalibrationStats): ReliabilityDiagram {
  const d = { binLower: [] as number[], binUpper: [] as number[], confidence: [] as number[], accuracy: [] as number[], count: [] as number[], gap: [] as number[] };
  for (let b = 0; b < stats.bins; b++) {
    const nb = stats.count[b];
    const conf = nb === 0 ? NaN : fixedSumValue(stats.sumConfidence, b) / nb;
    const acc = nb === 0 ? NaN : stats.correct[b] / nb;
    d.binLower.push(b / stats.bins);
    d.binUpper.push((b + 1) / stats.bins);
    d.confidence.push(conf);
    d.accuracy.push(acc);
    d.count.push(nb);
    d.gap.push(conf - acc);
  }
  return d;
}

/** Confidence histogram over the equal-width bins: counts and fractions of pixels. */
export interface ConfidenceHistogram {
  readonly binLower: number[];
  readonly binUpper: number[];
  readonly count: number[];
  readonly fraction: number[];
}

export function confidenceHistogram(stats: CalibrationStats): ConfidenceHistogram {
  const n = sum(stats.count);
  const h = { binLower: [] as number[], binUpper: [] as number[], count: [] as number[], fraction: [] as number[] };
  for (let b = 0; b < stats.bins; b++) {
    h.binLower.push(b / stats.bins);
    h.binUpper.push((b + 1) / stats.bins);
    h.count.push(stats.count[b]);
    h.fraction.push(n === 0 ? NaN : stats.count[b] / n);
  }
  return h;
}
