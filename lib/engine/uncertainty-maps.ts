/** Turns the merged sample statistics into the per-pixel uncertainty maps. */
import type { UncertaintyMaps } from '../types';
import type { ChunkAccumulator } from './sampler';

/**
 * mean p, argmax, confidence, H[E p], E[H p] = entropySum / n, MI = H[E p] - E[H p] (clamped at 0:
 * rounding can make it slightly negative), variance = M2 / n (population variance over samples).
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
  const mean = acc.mean, m2 = acc.m2, ent = acc.entropySum;
  for (let i = 0; i < meanProbs.length; i++) {
    meanProbs[i] = mean[i];
    variance[i] = m2[i] / n;
  }
  for (let px = 0; px < pixels; px++) {
    let best = -1, bestClass = 0, h = 0, v = 0;
    for (let c = 0, idx = px; c < classes; c++, idx += pixels) {
      const p = mean[idx];
      if (p > best) { best = p; bestClass = c; }
      if (p > 0) h -= p * Math.log(p);
      v += m2[idx];
    }
    const eh = ent[px] / n;
    predicted[px] = bestClass;
    confidence[px] = best;
    predictiveEntropy[px] = h;
    expectedEntropy[px] = eh;
    mutualInformation[px] = h - eh > 0 ? h - eh : 0;
    meanVariance[px] = v / n / classes;
  }
  return { width, height, numClasses: classes, samples, meanProbs, predicted, confidence, predictiveEntropy,
    expectedEntropy, mutualInformation, variance, meanVariance };
}
