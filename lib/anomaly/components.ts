/**
 * Component-level anomaly metrics as SegmentMeIfYouCan computes them (road-anomaly-benchmark,
 * metrics/instance_segmentation.py: default_instancer, segment_metrics, aggregate), per image,
 * as sums that add up over images and shards:
 * - predicted anomaly = score at or above the pooled best-F1 threshold, outside the region of
 *   interest left out; ground truth = label 1; both split into 8-connected components;
 * - predicted components under `minPredicted` pixels are dropped; ground-truth components under
 *   `minAnomaly` pixels leave the region of interest (SegmentMeIfYouCan's anomaly track: 500 and
 *   100; its obstacle track: 50 and 10);
 * - sIoU of a ground-truth component k: |k ∩ P̂| / |(k ∪ P̂) \ A|, P̂ the predicted components
 *   touching k and A the other ground-truth components' pixels; PPV of a predicted component:
 *   the share of its pixels on any anomaly;
 * - per tau in 0.25, 0.30, ..., 0.75: TP = components with sIoU >= tau, FN the rest, FP =
 *   predicted components with PPV < tau; F1(tau) = 2 TP / (2 TP + FN + FP), mean F1 over tau.
 * Counts are taken inside the region of interest only, as the benchmark restricts both maps to it.
 */
import { ANOMALY, OUTSIDE } from './pixel-stats';

/**
 * [0.25, 0.30, ..., 0.75], the benchmark's np.linspace(0.25, 0.75, 11) to the last bit (i * 0.05 +
 * 0.25, the end point set exactly): a PPV or sIoU equal to tau counts alike on both sides
 */
export const SIOU_THRESHOLDS: readonly number[] = Array.from({ length: 11 }, (_, i) => (i === 10 ? 0.75 : i * 0.05 + 0.25));

export interface ComponentSizes {
  /** predicted components smaller than this are dropped (thresh_segsize) */
  readonly minPredicted: number;
  /** ground-truth components smaller than this leave the region of interest (thresh_instsize) */
  readonly minAnomaly: number;
}

/** Sums over images; the metrics are ratios of them (componentMetrics). */
export interface ComponentCounts {
  /** ground-truth components scored, and the sum of their sIoU */
  gt: number;
  sIoUSum: number;
  /** predicted components scored, the sums of their sIoU and PPV */
  predicted: number;
  sIoUPredSum: number;
  ppvSum: number;
  /** per SIOU_THRESHOLDS entry */
  readonly tp: number[];
  readonly fn: number[];
  readonly fp: number[];
}

export function createComponentCounts(): ComponentCounts {
  const zeros = (): number[] => SIOU_THRESHOLDS.map(() => 0);
  return { gt: 0, sIoUSum: 0, predicted: 0, sIoUPredSum: 0, ppvSum: 0, tp: zeros(), fn: zeros(), fp: zeros() };
}

export function mergeComponentCounts(a: ComponentCounts, b: ComponentCounts): ComponentCounts {
  const add = (x: readonly number[], y: readonly number[]): number[] => x.map((v, i) => v + y[i]);
  return {
    gt: a.gt + b.gt, sIoUSum: a.sIoUSum + b.sIoUSum, predicted: a.predicted + b.predicted, sIoUPredSum: a.sIoUPredSum + b.sIoUPredSum,
    ppvSum: a.ppvSum + b.ppvSum, tp: add(a.tp, b.tp), fn: add(a.fn, b.fn), fp: add(a.fp, b.fp),
  };
}

/**
 * 8-connected components of the non-zero pixels of `mask` [w*h]: labels 1..count (0 background),
 * numbered in raster order of their first pixel, as scipy.ndimage.label with a 3x3 structure.
 */
export function connectedComponents8(mask: Uint8Array, width: number, height: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(width * height);
  const stack: number[] = [];
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (!mask[start] || labels[start]) continue;
    labels[start] = ++count;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % width, y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (mask[q] && !labels[q]) {
            labels[q] = count;
            stack.push(q);
          }
        }
      }
    }
  }
  return { labels, count };
}

function sizesOf(labels: Int32Array, count: number, where?: Uint8Array): Float64Array {
  const sizes = new Float64Array(count + 1);
  for (let i = 0; i < labels.length; i++) if (!where || where[i]) sizes[labels[i]]++;
  return sizes;
}

/**
 * Adds one image to `counts`. `labels` [w*h] 0/1/255; `predicted` [w*h] non-zero where the score
 * is at or above the threshold.
 */
export function addImageComponents(counts: ComponentCounts, labels: Uint8Array, predicted: Uint8Array, width: number, height: number,
  sizes: ComponentSizes): void {
  const n = width * height;
  const gtMask = new Uint8Array(n), predMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    gtMask[i] = labels[i] === ANOMALY ? 1 : 0;
    predMask[i] = predicted[i] && labels[i] !== OUTSIDE ? 1 : 0;
  }
  const gt = connectedComponents8(gtMask, width, height);
  const pred = connectedComponents8(predMask, width, height);
  // the size filters: on whole components, before the region of interest shrinks
  const predSizeAll = sizesOf(pred.labels, pred.count);
  const gtSizeAll = sizesOf(gt.labels, gt.count);
  const roi = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // the benchmark's loop over components starts at 0, the background: it too leaves the region when smaller than minAnomaly
    roi[i] = labels[i] !== OUTSIDE && gtSizeAll[gt.labels[i]] >= sizes.minAnomaly ? 1 : 0;
    if (pred.labels[i] && predSizeAll[pred.labels[i]] < sizes.minPredicted) pred.labels[i] = 0;
  }
  const gtSize = sizesOf(gt.labels, gt.count, roi);
  const predSize = sizesOf(pred.labels, pred.count, roi);
  // overlaps of ground-truth and predicted components inside the region, sparse: key gt * (count + 1) + pred
  const overlap = new Map<number, number>();
  const stride = pred.count + 1;
  for (let i = 0; i < n; i++) {
    const g = gt.labels[i], p = pred.labels[i];
    if (!roi[i] || !g || !p) continue;
    const key = g * stride + p;
    overlap.set(key, (overlap.get(key) ?? 0) + 1);
  }
  const gtHit = new Float64Array(gt.count + 1), predHit = new Float64Array(pred.count + 1);
  const touching = { gt: new Map<number, number[]>(), pred: new Map<number, number[]>() };
  for (const [key, c] of overlap) {
    const g = Math.floor(key / stride), p = key % stride;
    gtHit[g] += c;
    predHit[p] += c;
    (touching.gt.get(g) ?? touching.gt.set(g, []).get(g) as number[]).push(p);
    (touching.pred.get(p) ?? touching.pred.set(p, []).get(p) as number[]).push(g);
  }
  const sIoU = (own: number, hit: number, others: readonly number[], otherSize: Float64Array, otherHit: Float64Array): number => {
    // union = |touching others| + |own| - intersection - (their pixels on components other than this one)
    let size = 0, theirHits = 0;
    for (const o of others) {
      size += otherSize[o];
      theirHits += otherHit[o];
    }
    return hit / (size + own - hit - (theirHits - hit));
  };
  const gtScores: number[] = [], ppvs: number[] = [];
  for (let g = 1; g <= gt.count; g++) {
    if (gtSize[g] === 0) continue;
    const s = sIoU(gtSize[g], gtHit[g], touching.gt.get(g) ?? [], predSize, predHit);
    gtScores.push(s);
    counts.sIoUSum += s;
  }
  for (let p = 1; p <= pred.count; p++) {
    if (predSize[p] === 0) continue;
    counts.sIoUPredSum += sIoU(predSize[p], predHit[p], touching.pred.get(p) ?? [], gtSize, gtHit);
    const ppv = predHit[p] / predSize[p];
    ppvs.push(ppv);
    counts.ppvSum += ppv;
  }
  counts.gt += gtScores.length;
  counts.predicted += ppvs.length;
  SIOU_THRESHOLDS.forEach((t, k) => {
    for (const s of gtScores) {
      if (s >= t) counts.tp[k]++;
      else counts.fn[k]++;
    }
    for (const v of ppvs) if (v < t) counts.fp[k]++;
  });
}

export interface ComponentMetrics {
  /** mean sIoU of the ground-truth components (sIoU_gt) */
  readonly sIoU: number | null;
  /** mean PPV (precision) of the predicted components (prec_pred) */
  readonly ppv: number | null;
  /** mean over tau of F1(tau) (f1_mean) */
  readonly meanF1: number | null;
  /** mean sIoU of the predicted components (sIoU_pred) */
  readonly sIoUPredicted: number | null;
  readonly f1: { readonly tau: number; readonly f1: number | null }[];
  readonly gtComponents: number;
  readonly predictedComponents: number;
}

export function componentMetrics(c: ComponentCounts): ComponentMetrics {
  const f1 = SIOU_THRESHOLDS.map((tau, k) => {
    const d = 2 * c.tp[k] + c.fn[k] + c.fp[k];
    return { tau, f1: d > 0 ? (2 * c.tp[k]) / d : null };
  });
  const defined = f1.every((x) => x.f1 !== null);
  return {
    sIoU: c.gt ? c.sIoUSum / c.gt : null, ppv: c.predicted ? c.ppvSum / c.predicted : null,
    meanF1: defined ? f1.reduce((s, x) => s + (x.f1 as number), 0) / f1.length : null,
    sIoUPredicted: c.predicted ? c.sIoUPredSum / c.predicted : null, f1, gtComponents: c.gt, predictedComponents: c.predicted,
  };
}

/** The predicted anomaly mask of one image: 1 where the pixel's bin is `from` or above (the best-F1 bin). */
export function predictedMask(bins: Uint16Array, from: number): Uint8Array {
  const out = new Uint8Array(bins.length);
  for (let i = 0; i < bins.length; i++) out[i] = bins[i] >= from ? 1 : 0;
  return out;
}
