/** Brings model-resolution uncertainty maps to another size (the image's, or a display size). */
import type { UncertaintyMaps } from '../engine/types';
import { resizeBilinearPlanar } from '../image/resize';
import { argmaxClasses } from '../metrics/argmax';

/**
 * Mean probabilities and per-pixel maps are resized bilinearly (as PyTorch's
 * interpolate(align_corners=False)); the class map and confidence are the argmax and max of the
 * resized probabilities, as the paper's evaluation upsamples scores before the argmax.
 */
export function resizeMaps(maps: UncertaintyMaps, width: number, height: number, options: { withVariance?: boolean } = {}): UncertaintyMaps {
  if (width === maps.width && height === maps.height) return maps;
  const C = maps.numClasses;
  const w = maps.width, h = maps.height;
  const one = (src: Float32Array): Float32Array => resizeBilinearPlanar(src, 1, w, h, width, height);
  const meanProbs = resizeBilinearPlanar(maps.meanProbs, C, w, h, width, height);
  const { predicted, confidence } = argmaxClasses(meanProbs, C);
  return {
    width, height, numClasses: C, samples: maps.samples, meanProbs, predicted, confidence,
    predictiveEntropy: one(maps.predictiveEntropy),
    expectedEntropy: one(maps.expectedEntropy),
    mutualInformation: one(maps.mutualInformation),
    variance: options.withVariance ? resizeBilinearPlanar(maps.variance, C, w, h, width, height) : new Float32Array(0),
    meanVariance: one(maps.meanVariance),
    ...(maps.variationRatio ? { variationRatio: one(maps.variationRatio) } : {}),
  };
}

/** The size that fits `maxSide` keeping the aspect ratio (never upscales beyond the source). */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
