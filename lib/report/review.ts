/**
 * The review queue (baal's active-learning heuristics): per image, per-pixel scores reduced to
 * one number each, and a ranking of the images to hand to labelling.
 *   bald            mutual information H[E p] - E[H p] (nats)
 *   entropy         predictive entropy H[E p] (nats)
 *   variation-ratio share of the MC samples whose argmax is not the most frequent one
 *   margin          1 - (p1 - p2), p1 >= p2 the two largest mean probabilities (high: the top
 *                   two classes are close)
 * Higher is more uncertain for every score. Reductions over the pixels: mean, max, and the
 * mean of the top REVIEW_TOP_FRACTION of pixels (`top10`).
 */
import type { UncertaintyMaps } from '../engine/types';

export const RANK_BY = ['bald', 'entropy', 'variation-ratio', 'margin'] as const;
export type RankBy = (typeof RANK_BY)[number];
export const REDUCTIONS = ['mean', 'max', 'top10'] as const;
export type Reduction = (typeof REDUCTIONS)[number];
/** the share of pixels the `top10` reduction averages */
export const REVIEW_TOP_FRACTION = 0.1;

export type Reduced = Readonly<Record<Reduction, number>>;
export type ReviewScores = Readonly<Record<RankBy, Reduced>>;

/** Mean, max and mean of the top fraction of a score map. */
export function reduce(values: Float32Array, topFraction = REVIEW_TOP_FRACTION): Reduced {
  const n = values.length;
  if (n === 0) return { mean: 0, max: 0, top10: 0 };
  let sum = 0, max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i];
    if (values[i] > max) max = values[i];
  }
  const k = Math.max(1, Math.ceil(n * topFraction));
  const sorted = Float32Array.from(values).sort();
  let top = 0;
  for (let i = n - k; i < n; i++) top += sorted[i];
  return { mean: sum / n, max, top10: top / k };
}

/** 1 - (p1 - p2) per pixel from the class-major mean probabilities. */
export function marginMap(maps: UncertaintyMaps): Float32Array {
  const pixels = maps.width * maps.height;
  const out = new Float32Array(pixels);
  const p = maps.meanProbs;
  for (let px = 0; px < pixels; px++) {
    let a = -Infinity, b = -Infinity;
    for (let c = 0, i = px; c < maps.numClasses; c++, i += pixels) {
      const v = p[i];
      if (v > a) { b = a; a = v; } else if (v > b) b = v;
    }
    out[px] = 1 - (a - (b === -Infinity ? 0 : b));
  }
  return out;
}

/** The four scores of an image with their reductions; variation-ratio only when the maps have it. */
export function reviewScores(maps: UncertaintyMaps): Partial<ReviewScores> {
  return {
    bald: reduce(maps.mutualInformation), entropy: reduce(maps.predictiveEntropy), margin: reduce(marginMap(maps)),
    ...(maps.variationRatio ? { 'variation-ratio': reduce(maps.variationRatio) } : {}),
  };
}

/** The per-image fields summary.json records: `variationRatio` (its mean) and `review`. */
export function reviewFields(maps: UncertaintyMaps): { variationRatio?: number; review: Partial<ReviewScores> } {
  const review = reviewScores(maps);
  return { ...(review['variation-ratio'] ? { variationRatio: review['variation-ratio'].mean } : {}), review };
}
