/** The streamed per-image sample statistics (merged chunk by chunk) and the per-pixel maps they give. */
import type { UncertaintyMaps } from './types';

/** Streaming mean / M2 / entropy-sum / argmax-count state of one image. */
export interface ChunkAccumulator {
  count: number;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly entropySum: Float64Array;
  /** per-class argmax counts [C, H*W] (the variation ratio) */
  readonly votes: Float64Array;
  /** samples whose votes were merged: the variation ratio is known only when it equals count */
  voted: number;
}

export function createAccumulator(classes: number, pixels: number): ChunkAccumulator {
  return {
    count: 0, mean: new Float64Array(classes * pixels), m2: new Float64Array(classes * pixels), entropySum: new Float64Array(pixels),
    votes: new Float64Array(classes * pixels), voted: 0,
  };
}

/**
 * Merges a chunk of k samples (its mean, M2 and entropy sum) into `acc`:
 * delta = mean_b - mean_a; mean = mean_a + delta k/n; M2 = M2_a + M2_b + delta^2 n_a k / n.
 */
export function mergeChunk(acc: ChunkAccumulator, k: number, mean: Float32Array, m2: Float32Array, entropySum: Float32Array,
  votes?: Float32Array): void {
  const na = acc.count;
  const n = na + k;
  const wb = k / n;
  const wab = (na * k) / n;
  const am = acc.mean, a2 = acc.m2;
  for (let i = 0; i < am.length; i++) {
    const delta = mean[i] - am[i];
    am[i] += delta * wb;
    a2[i] += m2[i] + delta * delta * wab;
  }
  const ae = acc.entropySum;
  for (let i = 0; i < ae.length; i++) ae[i] += entropySum[i];
  if (votes) {
    const av = acc.votes;
    for (let i = 0; i < av.length; i++) av[i] += votes[i];
    acc.voted += k;
  }
  acc.count = n;
}

/**
 * mean p, argmax, confidence, H[E p], E[H p] = entropySum / n, MI = H[E p] - E[H p] (clamped at 0:
 * rounding can make it slightly negative), variance = M2 / n (population variance over samples).
 * variation ratio = 1 - (samples voting for the most-voted argmax) / n.
 * `samples` is what the caller asked for; a deterministic model ran once and has zero variance.
 */
export function finishMaps(acc: ChunkAccumulator, classes: number, width: number, height: number, samples: number): UncertaintyMaps {
  const pixels = width * height;
  const n = acc.count;
  const meanProbs = new Float32Array(classes * pixels);
  const variance = new Float32Array(classes * pixels);
  const predicted = new Uint8Array(pixels);
  const confidence = new Float32Array(pixels);
  const predictiveEntropy = new Float32Array(pixels);
  const expectedEntropy = new Float32Array(pixels);
  const mutualInformation = new Float32Array(pixels);
  const meanVariance = new Float32Array(pixels);
  const mean = acc.mean, m2 = acc.m2, ent = acc.entropySum, votes = acc.votes;
  // known only when every sample's votes were merged (a caller may merge aggregates without them)
  const variationRatio = acc.voted === n && n > 0 ? new Float32Array(pixels) : null;
  for (let i = 0; i < meanProbs.length; i++) {
    meanProbs[i] = mean[i];
    variance[i] = m2[i] / n;
  }
  for (let px = 0; px < pixels; px++) {
    let best = -1, bestClass = 0, h = 0, v = 0, mode = 0;
    for (let c = 0, idx = px; c < classes; c++, idx += pixels) {
      const p = mean[idx];
      if (p > best) { best = p; bestClass = c; }
      if (p > 0) h -= p * Math.log(p);
      v += m2[idx];
      if (votes[idx] > mode) mode = votes[idx];
    }
    if (variationRatio) variationRatio[px] = 1 - mode / n;
    const eh = ent[px] / n;
    predicted[px] = bestClass;
    confidence[px] = best;
    predictiveEntropy[px] = h;
    expectedEntropy[px] = eh;
    mutualInformation[px] = h - eh > 0 ? h - eh : 0;
    meanVariance[px] = v / n / classes;
  }
  return { width, height, numClasses: classes, samples, meanProbs, predicted, confidence, predictiveEntropy,
    expectedEntropy, mutualInformation, variance, meanVariance, ...(variationRatio ? { variationRatio } : {}) };
}
