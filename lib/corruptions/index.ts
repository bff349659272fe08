/**
 * The ImageNet-C / Cityscapes-C corruptions (Hendrycks & Dietterich 2019; Michaelis et al. 2019,
 * bethgelab imagecorruptions) at severities 1-5, with the reference's severity constants:
 * `corrupt(image, name, severity, seed, key)` gives the same pixels for the same arguments.
 * Frost is left out: it blends one of six frost photos that ship with the reference package and
 * not with segnet-uq (FROST_OMITTED says so).
 */
import type { RgbImage } from '../image/types';
import { defocusBlur, gaussianBlur, glassBlur, motionBlur, zoomBlur, arange } from './blur';
import { brightness, contrast, saturate } from './color';
import { elasticTransform, jpegCompression, pixelate } from './digital';
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from './noise';
import { CorruptionRandom } from './random';
import { fog, snow, spatter, type SnowConstants, type SpatterConstants } from './weather';

/** The corruptions, ImageNet-C's 15 (less frost) first, then its four validation ones. */
export const CORRUPTIONS = [
  'gaussian-noise', 'shot-noise', 'impulse-noise', 'defocus-blur', 'glass-blur', 'motion-blur', 'zoom-blur', 'snow', 'fog',
  'brightness', 'contrast', 'elastic-transform', 'pixelate', 'jpeg-compression', 'speckle-noise', 'gaussian-blur', 'spatter', 'saturate',
] as const;

export type CorruptionName = (typeof CORRUPTIONS)[number];

export const SEVERITIES: readonly number[] = [1, 2, 3, 4, 5];

export const FROST_OMITTED = 'frost blends one of the six frost photos shipped inside the imagecorruptions package, which segnet-uq does not have';

type Table<T> = readonly [T, T, T, T, T];

/** The reference's constants per severity (imagecorruptions/corruptions.py). */
export const SEVERITY_CONSTANTS = {
  'gaussian-noise': [0.08, 0.12, 0.18, 0.26, 0.38],
  'shot-noise': [60, 25, 12, 5, 3],
  'impulse-noise': [0.03, 0.06, 0.09, 0.17, 0.27],
  'speckle-noise': [0.15, 0.2, 0.35, 0.45, 0.6],
  'gaussian-blur': [1, 2, 3, 4, 6],
  'glass-blur': [[0.7, 1, 2], [0.9, 2, 1], [1, 2, 3], [1.1, 3, 2], [1.5, 4, 2]],
  'defocus-blur': [[3, 0.1], [4, 0.5], [6, 0.5], [8, 0.5], [10, 0.5]],
  'motion-blur': [[10, 3], [15, 5], [15, 8], [15, 12], [20, 15]],
  'zoom-blur': [[1, 1.11, 0.01], [1, 1.16, 0.01], [1, 1.21, 0.02], [1, 1.26, 0.02], [1, 1.31, 0.03]],
  snow: [[0.1, 0.3, 3, 0.5, 10, 4, 0.8], [0.2, 0.3, 2, 0.5, 12, 4, 0.7], [0.55, 0.3, 4, 0.9, 12, 8, 0.7], [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65], [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55]],
  fog: [[1.5, 2], [2, 2], [2.5, 1.7], [2.5, 1.5], [3, 1.4]],
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5],
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05],
  'elastic-transform': [250 * 0.05, 250 * 0.065, 250 * 0.085, 250 * 0.1, 250 * 0.12],
  pixelate: [0.6, 0.5, 0.4, 0.3, 0.25],
  'jpeg-compression': [25, 18, 15, 10, 7],
  spatter: [[0.65, 0.3, 4, 0.69, 0.6, 0], [0.65, 0.3, 3, 0.68, 0.6, 0], [0.65, 0.3, 2, 0.68, 0.5, 0], [0.65, 0.3, 1, 0.65, 1.5, 1], [0.67, 0.4, 1, 0.65, 1.5, 1]],
  saturate: [[0.3, 0], [0.1, 0], [2, 0], [5, 0.1], [20, 0.2]],
} as const satisfies Record<CorruptionName, Table<number | readonly number[]>>;

/** The corruption's name ('gaussian_noise' is read as 'gaussian-noise'), or a RangeError listing the names. */
export function checkCorruption(name: string): CorruptionName {
  const n = name.trim().replace(/_/g, '-');
  if ((CORRUPTIONS as readonly string[]).includes(n)) return n as CorruptionName;
  const frost = n === 'frost' ? ` (${FROST_OMITTED})` : '';
  throw new RangeError(`unknown corruption '${name}'${frost}; one of: ${CORRUPTIONS.join(', ')}`);
}

export function checkSeverity(severity: number): number {
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new RangeError(`severity must be an integer 1-5, got ${severity}`);
  return severity;
}

/**
 * The image under one corruption at one severity. The noise is keyed by (seed, key, name,
 * severity): pass the image's name (or content hash) as `key` so that images differ.
 */
export async function corrupt(image: RgbImage, name: CorruptionName, severity: number, seed = 0, key = ''): Promise<RgbImage> {
  const s = checkSeverity(severity) - 1;
  const rng = new CorruptionRandom([seed, key, checkCorruption(name), severity]);
  const k = SEVERITY_CONSTANTS;
  switch (name) {
    case 'gaussian-noise': return gaussianNoise(image, k[name][s], rng);
    case 'shot-noise': return shotNoise(image, k[name][s], rng);
    case 'impulse-noise': return impulseNoise(image, k[name][s], rng);
    case 'speckle-noise': return speckleNoise(image, k[name][s], rng);
    case 'gaussian-blur': return gaussianBlur(image, k[name][s]);
    case 'glass-blur': {
      const [sigma, delta, iterations] = k[name][s];
      return glassBlur(image, sigma, delta, iterations, rng);
    }
    case 'defocus-blur': return defocusBlur(image, k[name][s][0], k[name][s][1]);
    case 'motion-blur': return motionBlur(image, k[name][s][0], k[name][s][1], rng);
    case 'zoom-blur': {
      const [start, stop, step] = k[name][s];
      return zoomBlur(image, arange(start, stop, step));
    }
    case 'snow': return snow(image, k[name][s] as SnowConstants, rng);
    case 'fog': return fog(image, k[name][s][0], k[name][s][1], rng);
    case 'brightness': return brightness(image, k[name][s]);
    case 'contrast': return contrast(image, k[name][s]);
    case 'elastic-transform': return elasticTransform(image, k[name][s], rng);
    case 'pixelate': return pixelate(image, k[name][s]);
    case 'jpeg-compression': return jpegCompression(image, k[name][s]);
    case 'spatter': return spatter(image, k[name][s] as SpatterConstants, rng);
    case 'saturate': return saturate(image, k[name][s][0], k[name][s][1]);
  }
}
