/**
 * PixelReservoir: a uniform random sample of at most `capacity` labelled pixels (their mean
 * probability vectors and labels) drawn from a stream of images by reservoir sampling
 * (Vitter's algorithm R) with a seeded PRNG, so a run is reproducible and memory stays bounded.
 */
import { DEFAULT_RESERVOIR_SIZE, DEFAULT_SEED } from '../defaults';
import type { PixelReservoir } from './types';
import { createRandom, nextInt, nextRandom, type Random } from './random';
import { checkInteger } from '../validate';
import { checkArray, checkIgnoreIndex, checkLabels, checkNumClasses, checkObject, checkSame, float64FromJSON } from './validate';

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

/**
 * A uniform sample of the union of both streams (not bit-identical to one run over both, which
 * no bounded sample can be): the number kept from `a` follows the hypergeometric law of drawing
 * min(capacity, seen) pixels from a.seen + b.seen, then a random subset of each side is kept.
 * Uses and advances a's PRNG state; deterministic for given inputs.
 */
export function mergePixelReservoirs(a: PixelReservoir, b: PixelReservoir): PixelReservoir {
  checkSame('numClasses', a.numClasses, b.numClasses);
  checkSame('capacity', a.capacity, b.capacity);
  const random: Random = { state: a.randomState };
  const out = createPixelReservoir({ numClasses: a.numClasses, capacity: a.capacity });
  out.seen = a.seen + b.seen;
  let remainA = a.seen;
  let remainB = b.seen;
  let fromA = 0;
  const draws = Math.min(a.capacity, out.seen);
  for (let d = 0; d < draws; d++) {
    if (nextRandom(random) * (remainA + remainB) < remainA) {
      fromA++;
      remainA--;
    } else remainB--;
  }
  const c = a.numClasses;
  const take = (src: PixelReservoir, count: number) => {
    // partial Fisher-Yates over the source slots
    const order = Array.from({ length: src.size }, (_, i) => i);
    for (let t = 0; t < count; t++) {
      const pick = t + nextInt(random, src.size - t);
      [order[t], order[pick]] = [order[pick], order[t]];
      const slot = order[t];
      out.probs.set(src.probs.subarray(slot * c, slot * c + c), out.size * c);
      out.labels[out.size++] = src.labels[slot];
    }
  };
  take(a, fromA);
  take(b, draws - fromA);
  out.randomState = random.state;
  return out;
}

export interface PixelReservoirJSON {
  readonly numClasses: number;
  readonly capacity: number;
  readonly seen: number;
  readonly randomState: number;
  /** pixel-major [size, C] */
  readonly probs: number[];
  readonly labels: number[];
}

export function pixelReservoirToJSON(res: PixelReservoir): PixelReservoirJSON {
  return {
    numClasses: res.numClasses,
    capacity: res.capacity,
    seen: res.seen,
    randomState: res.randomState,
    probs: Array.from(res.probs.subarray(0, res.size * res.numClasses)),
    labels: Array.from(res.labels.subarray(0, res.size)),
  };
}

export function pixelReservoirFromJSON(value: unknown): PixelReservoir {
  const o = checkObject('reservoir', value);
  const res = createPixelReservoir({ numClasses: checkNumClasses(o.numClasses), capacity: checkInteger('reservoir.capacity', o.capacity, 1, 1 << 26) });
  res.seen = checkInteger('reservoir.seen', o.seen, 0, Number.MAX_SAFE_INTEGER);
  res.randomState = checkInteger('reservoir.randomState', o.randomState, 0, 0xffffffff);
  res.size = Math.min(res.seen, res.capacity);
  res.probs.set(float64FromJSON('reservoir.probs', o.probs, res.size * res.numClasses));
  const labels = float64FromJSON('reservoir.labels', o.labels, res.size);
  for (let j = 0; j < res.size; j++) res.labels[j] = checkInteger(`reservoir.labels[${j}]`, labels[j], 0, res.numClasses - 1);
  return res;
}
