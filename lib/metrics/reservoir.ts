/**
 * PixelReservoir: a uniform random sample of at most `capacity` labelled pixels (their mean
 * probability vectors and labels) drawn from a stream of images by reservoir sampling
 * (Vitter's algorithm R) with a seeded PRNG, so a run is reproducible and memory stays bounded.
 */
import { DEFAULT_RESERVOIR_SIZE, DEFAULT_SEED } from '../defaults';
import type { PixelReservoir } from './types';
import { createRandom, nextRandom, type Random } from './random';
import { checkInteger } from '../validate';
import { checkArray, checkIgnoreIndex, checkLabels, checkNumClasses, checkObject } from './validate';

export interface ReservoirOptions {
  readonly numClasses: number;
  /** [capacity=DEFAULT_RESERVOIR_SIZE] most pixels held */
  readonly capacity?: number;
  /** [seed=DEFAULT_SEED] PRNG seed (uint32) */
  readonly seed?: number;
}

export function createPixelReservoir(options: ReservoirOptions): PixelReservoir {
  checkObject('options', options);
  const c = checkNumClasses(options.numClasses);
  const { capacity = DEFAULT_RESERVOIR_SIZE, seed = DEFAULT_SEED } = options;
  checkInteger('capacity', capacity, 1, 1 << 26);
  return { numClasses: c, capacity, seen: 0, size: 0, probs: new Float32Array(capacity * c), labels: new Uint8Array(capacity), randomState: createRandom(seed).state };
}

function copyPixel(res: PixelReservoir, slot: number, probs: Float32Array, n: number, i: number, label: number): void {
  const c = res.numClasses;
  for (let k = 0; k < c; k++) res.probs[slot * c + k] = probs[k * n + i];
  res.labels[slot] = label;
}

/**
 * Offers every labelled pixel of one image, in place.
 * @param probs class-major [C, N] mean probabilities
 * @param labels [N]; ignoreIndex pixels are not offered
 */
export function addToReservoir(res: PixelReservoir, probs: Float32Array, labels: Uint8Array, ignoreIndex?: number | null): PixelReservoir {
  const ignore = checkIgnoreIndex(ignoreIndex);
  checkArray('labels', labels, Uint8Array, null);
  const n = labels.length;
  checkArray('probs', probs, Float32Array, res.numClasses * n);
  checkLabels('labels', labels, res.numClasses, ignore);
  const random: Random = { state: res.randomState };
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y === ignore) continue;
    res.seen++;
    if (res.size < res.capacity) {
      copyPixel(res, res.size++, probs, n, i, y);
    } else {
      const j = Math.floor(nextRandom(random) * res.seen);
      if (j < res.capacity) copyPixel(res, j, probs, n, i, y);
    }
  }
  res.randomState = random.state;
  return res;
}

/** The held pixels as fitTemperature takes them: probs class-major [C, size], labels [size]. */
export function reservoirSample(res: PixelReservoir): { probs: Float32Array; labels: Uint8Array } {
  const c = res.numClasses;
  const m = res.size;
  const probs = new Float32Array(c * m);
  for (let j = 0; j < m; j++) for (let k = 0; k < c; k++) probs[k * m + j] = res.probs[j * c + k];
  return { probs, labels: res.labels.slice(0, m) };
}
