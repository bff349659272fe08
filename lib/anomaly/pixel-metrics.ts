/**
 * Pooled pixel metrics of an anomaly score from its histogram (pixel-stats.ts), as the
 * benchmarks define them over every pixel of the data set, thresholds from high to low:
 * - AP: sum_n (R_n - R_{n-1}) P_n over the distinct thresholds (scikit-learn's
 *   average_precision_score, which Fishyscapes' eval.py and SegmentMeIfYouCan both follow);
 * - AUROC: the trapezoid under (FPR, TPR) from (0, 0);
 * - FPR95: the FPR at the first threshold where TPR >= 0.95 (eval.py's searchsorted);
 * - the best-F1 threshold, F1 = 2 TP / (2 TP + FP + FN), where SegmentMeIfYouCan thresholds the
 *   score map for its component metrics (the first, highest, of equal maxima).
 * Pixels in one bin are ties. Scores within 0.1% of each other share a bin, so the numbers are
 * those of the exact sort up to that; aurocTieBound and fpr95TieBound bound how far the AUROC
 * and FPR95 can be from the exact ones, from the counts themselves.
 */
import { binLowerEdge } from '../metrics/log-bins';
import type { AnomalyHistogram } from './pixel-stats';

export interface PixelMetrics {
  readonly ap: number | null;
  readonly auroc: number | null;
  readonly fpr95: number | null;
  /** the largest F1 over the thresholds, and the bin and score from which a pixel counts as anomaly */
  readonly bestF1: number | null;
  readonly bestF1Bin: number | null;
  readonly threshold: number | null;
  /** |AUROC - the AUROC of the exact scores| is at most this (anomaly-inlier pairs inside one bin) */
  readonly aurocTieBound: number | null;
  /** |FPR95 - the exact one| is at most this: the inliers of the bin where the TPR reaches 0.95, over all inliers */
  readonly fpr95TieBound: number | null;
  readonly anomalyPixels: number;
  readonly inlierPixels: number;
}

export interface CurvePoints {
  /** ROC: false and true positive rates from (0, 0) to (1, 1) */
  readonly fpr: number[];
  readonly tpr: number[];
  /** precision-recall, from the highest threshold down */
  readonly recall: number[];
  readonly precision: number[];
}

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

/** The metrics of one score; null for those that need anomaly and inlier pixels when either is missing. */
export function pixelMetrics(h: AnomalyHistogram): PixelMetrics {
  const P = sum(h.anomaly), N = sum(h.inlier);
  const none = { ap: null, auroc: null, fpr95: null, bestF1: null, bestF1Bin: null, threshold: null, aurocTieBound: null, fpr95TieBound: null, anomalyPixels: P, inlierPixels: N };
  if (P === 0 || N === 0) return none;
  let tp = 0, fp = 0, ap = 0, area = 0, mixed = 0;
  let fpr95: number | null = null, fpr95Bound: number | null = null, bestF1 = -1, bestBin = 0;
  for (let b = h.anomaly.length - 1; b >= 0; b--) {
    const pos = h.anomaly[b], neg = h.inlier[b];
    if (pos === 0 && neg === 0) continue;
    area += neg * (tp + pos / 2);
    mixed += pos * neg;
    tp += pos;
    fp += neg;
    ap += (pos / P) * (tp / (tp + fp));
    if (fpr95 === null && tp / P >= 0.95) {
      fpr95 = fp / N;
      fpr95Bound = neg / N;
    }
    const f1 = (2 * tp) / (2 * tp + fp + (P - tp));
    if (f1 > bestF1) {
      bestF1 = f1;
      bestBin = b;
    }
  }
  return {
    ap, auroc: area / (P * N), fpr95, bestF1, bestF1Bin: bestBin, threshold: binLowerEdge(h.layout, bestBin),
    aurocTieBound: mixed / (2 * P * N), fpr95TieBound: fpr95Bound, anomalyPixels: P, inlierPixels: N,
  };
}

/**
 * ROC and PR points for a chart, at most about `points` of each: a point is kept when it moved
 * by 1/points in either coordinate since the last kept one (and the ends always).
 */
export function curvePoints(h: AnomalyHistogram, points = 200): CurvePoints {
  const P = sum(h.anomaly), N = sum(h.inlier);
  const out: CurvePoints = { fpr: [0], tpr: [0], recall: [], precision: [] };
  if (P === 0 || N === 0) return out;
  const step = 1 / points;
  let tp = 0, fp = 0;
  let lastRoc = [0, 0], lastPr = [-1, -1];
  const bins: number[] = [];
  for (let b = h.anomaly.length - 1; b >= 0; b--) if (h.anomaly[b] + h.inlier[b] > 0) bins.push(b);
  bins.forEach((b, i) => {
    tp += h.anomaly[b];
    fp += h.inlier[b];
    const end = i === bins.length - 1;
    const x = fp / N, y = tp / P, p = tp / (tp + fp);
    if (end || Math.abs(x - lastRoc[0]) >= step || Math.abs(y - lastRoc[1]) >= step) {
      out.fpr.push(x);
      out.tpr.push(y);
      lastRoc = [x, y];
    }
    if (end || Math.abs(y - lastPr[0]) >= step || Math.abs(p - lastPr[1]) >= step) {
      out.recall.push(y);
      out.precision.push(p);
      lastPr = [y, p];
    }
  });
  return out;
}
