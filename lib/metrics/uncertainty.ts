/**
 * Uncertainty-quality metrics from an UncertaintyHistogram (uncertainty-stats.ts). Pixels in
 * one bin are ties: where a metric needs part of a bin (keeping the most certain q% of pixels),
 * it takes that share of the bin's pixels and errors (the expectation under random tie-breaking).
 * Errors (prediction != label) are the positives; higher uncertainty should flag them.
 * With the log-spaced bins (log-bins.ts) only pixels within 0.1% of each other share a bin;
 * aurocTieBound says how far that can move the AUROC from the exact, unbinned one.
 */
import type { UncertaintyHistogram } from './types';
import { checkNumber } from '../validate';

function totals(h: UncertaintyHistogram): { n: number; errors: number } {
  let n = 0;
  let errors = 0;
  for (let b = 0; b < h.count.length; b++) {
    n += h.count[b];
    errors += h.errors[b];
  }
  return { n, errors };
}

/** Pixels and errors among the `keep` most certain pixels (0 <= keep <= N). */
function mostCertain(h: UncertaintyHistogram, keep: number): { kept: number; errors: number } {
  let kept = 0;
  let errors = 0;
  for (let b = 0; b < h.count.length && kept < keep; b++) {
    const nb = h.count[b];
    if (nb === 0) continue;
    const take = Math.min(nb, keep - kept);
    kept += take;
    errors += (h.errors[b] * take) / nb;
  }
  return { kept, errors };
}

function checkFractions(name: string, values: readonly number[], max: number, maxInclusive: boolean): void {
  if (!Array.isArray(values)) throw new TypeError(`${name} must be an array of numbers`);
  for (let i = 0; i < values.length; i++) {
    checkNumber(`${name}[${i}]`, values[i], maxInclusive ? { min: 0, max } : { min: 0, below: max });
  }
}

/** [10, 20, ..., 100] */
export const DEFAULT_PERCENTILES: readonly number[] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

export interface AccuracyAtPercentile {
  /** p: the pixels kept are those below the p-th uncertainty percentile (the p% most certain) */
  readonly percentile: number;
  readonly accuracy: number;
}

/**
 * Accuracy of the p% most certain pixels, for each p (Bayesian SegNet, Kendall et al. 2015:
 * accuracy when keeping only pixels below the p-th percentile of uncertainty). p = 100 is the
 * global accuracy; NaN where no pixel is kept.
 * @param [percentiles=DEFAULT_PERCENTILES] each in [0, 100]
 */
export function accuracyByUncertaintyPercentile(
  h: UncertaintyHistogram,
  percentiles: readonly number[] = DEFAULT_PERCENTILES,
): AccuracyAtPercentile[] {
  checkFractions('percentiles', percentiles, 100, true);
  const { n } = totals(h);
  return percentiles.map((p) => {
    const { kept, errors } = mostCertain(h, (p / 100) * n);
    return { percentile: p, accuracy: kept === 0 ? NaN : 1 - errors / kept };
  });
}

/** [0, 0.01, ..., 0.99] */
export const DEFAULT_FRACTIONS: readonly number[] = Array.from({ length: 100 }, (_, i) => i / 100);

export interface SparsificationCurve {
  /** fraction f of pixels removed, most uncertain first, each in [0, 1) */
  readonly fractions: number[];
  /** error rate of the remaining (1 - f) N pixels */
  readonly error: number[];
  /**
   * the oracle: removing the errors first. With error rate E, removing f N pixels leaves
   * max(0, E N - f N) errors among (1 - f) N pixels: error_oracle(f) = max(0, E - f) / (1 - f),
   * the lowest error any ranking can reach at f.
   */
  readonly oracle: number[];
}

/**
 * Sparsification curve of the misclassification rate (raw error rate, not normalised by E).
 * @param [fractions=DEFAULT_FRACTIONS]
 */
export function sparsificationCurve(h: UncertaintyHistogram, fractions: readonly number[] = DEFAULT_FRACTIONS): SparsificationCurve {
  checkFractions('fractions', fractions, 1, false);
  const { n, errors: totalErrors } = totals(h);
  const rate = n === 0 ? NaN : totalErrors / n;
  const error: number[] = [];
  const oracle: number[] = [];
  for (const f of fractions) {
    const { kept, errors } = mostCertain(h, (1 - f) * n);
    error.push(kept === 0 ? NaN : errors / kept);
    oracle.push(Math.max(0, rate - f) / (1 - f));
  }
  return { fractions: fractions.slice(), error, oracle };
}

/**
 * AUSE: area between the sparsification curve and its oracle, trapezoid rule over the
 * fraction grid (ascending). 0 is a perfect ranking of errors.
 * @param [fractions=DEFAULT_FRACTIONS]
 */
export function areaUnderSparsificationError(h: UncertaintyHistogram, fractions: readonly number[] = DEFAULT_FRACTIONS): number {
  const curve = sparsificationCurve(h, fractions);
  let area = 0;
  for (let i = 1; i < fractions.length; i++) {
    if (fractions[i] < fractions[i - 1]) throw new RangeError(`fractions must ascend, got ${fractions[i - 1]} then ${fractions[i]}`);
    const g0 = curve.error[i - 1] - curve.oracle[i - 1];
    const g1 = curve.error[i] - curve.oracle[i];
    area += ((fractions[i] - fractions[i - 1]) * (g0 + g1)) / 2;
  }
  return area;
}

/**
 * AUROC of uncertainty as a score for misclassification: the trapezoid ROC over bin
 * thresholds, equal to P(u_error > u_correct) + P(tie) / 2 with ties = same bin. NaN when there
 * are no errors or no correct pixels.
 */
export function misclassificationAUROC(h: UncertaintyHistogram): number {
  const { n, errors: positives } = totals(h);
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  let area = 0;
  let positivesAbove = 0;
  for (let b = h.count.length - 1; b >= 0; b--) {
    const pos = h.errors[b];
    const neg = h.count[b] - pos;
    area += neg * (positivesAbove + pos / 2);
    positivesAbove += pos;
  }
  return area / (positives * negatives);
}

/**
 * AUPR of uncertainty as a score for misclassification, as average precision over bin
 * thresholds (descending): sum_b (errors_b / E) * precision(u >= bin b). NaN without errors.
 */
export function misclassificationAUPR(h: UncertaintyHistogram): number {
  const { errors: positives } = totals(h);
  if (positives === 0) return NaN;
  let ap = 0;
  let flagged = 0;
  let truePositives = 0;
  for (let b = h.count.length - 1; b >= 0; b--) {
    if (h.count[b] === 0) continue;
    flagged += h.count[b];
    truePositives += h.errors[b];
    ap += (h.errors[b] / positives) * (truePositives / flagged);
  }
  return ap;
}

/**
 * An upper bound on |misclassificationAUROC(h) - the AUROC of the exact values|: a pair of one
 * error and one correct pixel in the same bin scores 1/2 here and 0, 1/2 or 1 exactly, so the
 * gap is at most sum_b errors_b * correct_b / (2 E N). NaN when AUROC is.
 */
export function aurocTieBound(h: UncertaintyHistogram): number {
  const { n, errors: positives } = totals(h);
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  let mixed = 0;
  for (let b = 0; b < h.count.length; b++) mixed += h.errors[b] * (h.count[b] - h.errors[b]);
  return mixed / (2 * positives * negatives);
}
