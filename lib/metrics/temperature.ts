/**
 * Temperature scaling of mean MC probabilities: p_T = softmax(log p / T). `fitTemperature`
 * minimises the mean NLL over a (bounded) pixel sample by golden-section search on log T.
 */
import { TEMPERATURE_SEARCH } from '../defaults';
import type { TemperatureFit } from './types';
import { NLL_FLOOR } from './calibration-stats';
import { checkNumber } from '../validate';
import { checkArray, checkIgnoreIndex, checkLabels, checkNumClasses, checkObject } from './validate';

export interface FitTemperatureOptions {
  /** C: sample.probs holds C * N values */
  readonly numClasses: number;
  /** [ignoreIndex] label value to skip (none by default) */
  readonly ignoreIndex?: number | null;
  /** [lower=TEMPERATURE_SEARCH.lower] smallest T searched */
  readonly lower?: number;
  /** [upper=TEMPERATURE_SEARCH.upper] largest T searched */
  readonly upper?: number;
  /** [tolerance=TEMPERATURE_SEARCH.tolerance] stop when the log-T bracket is narrower */
  readonly tolerance?: number;
}

/** log(max(p, 1e-12)) per entry, pixel-major [M, C] for the labelled pixels. */
function logProbs(probs: Float32Array, labels: Uint8Array, c: number, ignore: number): { logits: Float64Array; targets: Uint8Array } {
  const n = labels.length;
  let m = 0;
  for (let i = 0; i < n; i++) if (labels[i] !== ignore) m++;
  const logits = new Float64Array(m * c);
  const targets = new Uint8Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    if (labels[i] === ignore) continue;
    for (let k = 0; k < c; k++) logits[j * c + k] = Math.log(Math.max(probs[k * n + i], NLL_FLOOR));
    targets[j++] = labels[i];
  }
  return { logits, targets };
}

/** Mean NLL of softmax(logits / T). */
function nllAt(logits: Float64Array, targets: Uint8Array, c: number, t: number): number {
  const m = targets.length;
  const inv = 1 / t;
  let total = 0;
  for (let j = 0; j < m; j++) {
    const row = j * c;
    let max = -Infinity;
    for (let k = 0; k < c; k++) if (logits[row + k] > max) max = logits[row + k];
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp((logits[row + k] - max) * inv);
    total += Math.log(sum) - (logits[row + targets[j]] - max) * inv;
  }
  return total / m;
}

/**
 * @param sample.probs class-major [C, N] mean probabilities, sample.labels [N]
 *   (reservoirSample(reservoir) gives this shape)
 */
export function fitTemperature(
  sample: { readonly probs: Float32Array; readonly labels: Uint8Array },
  options: FitTemperatureOptions,
): TemperatureFit {
  checkObject('options', options);
  const c = checkNumClasses(options.numClasses);
  const labels = checkArray('sample.labels', sample.labels, Uint8Array, null);
  const probs = checkArray('sample.probs', sample.probs, Float32Array, c * labels.length);
  const ignore = checkIgnoreIndex(options.ignoreIndex);
  checkLabels('sample.labels', labels, c, ignore);
  const { lower = TEMPERATURE_SEARCH.lower, upper = TEMPERATURE_SEARCH.upper, tolerance = TEMPERATURE_SEARCH.tolerance } = options;
  checkNumber('lower', lower, { min: 1e-6, max: 1e6 });
  checkNumber('upper', upper, { min: lower, max: 1e6 });
  checkNumber('tolerance', tolerance, { min: 1e-12, max: 1 });
  const { logits, targets } = logProbs(probs, labels, c, ignore);
  if (targets.length === 0) throw new RangeError('sample has no labelled pixel to fit a temperature on');
  const f = (logT: number) => nllAt(logits, targets, c, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(lower);
  let b = Math.log(upper);
  let x1 = b - ratio * (b - a);
  let x2 = a + ratio * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  let iterations = 0;
  while (b - a > tolerance && iterations < 200) {
    iterations++;
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - ratio * (b - a);
      f1 = f(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + ratio * (b - a);
      f2 = f(x2);
    }
  }
  const logT = (a + b) / 2;
  return { temperature: Math.exp(logT), nll: f(logT), nllAtOne: nllAt(logits, targets, c, 1), pixels: targets.length, iterations };
}

/**
 * Whether a temperature fitted over TEMPERATURE_SEARCH sits at an end of it (within 0.2% of the
 * lower, 0.05% of the upper): the optimum then lies beyond, the probabilities far from calibrated.
 */
export function atSearchEnd(temperature: number): boolean {
  return temperature <= TEMPERATURE_SEARCH.lower * 1.002 || temperature >= TEMPERATURE_SEARCH.upper * 0.9995;
}

/**
 * softmax(log(max(p, 1e-12)) / T) per pixel, a new array.
 * @param probs class-major [C, N]
 */
export function applyTemperature(probs: Float32Array, numClasses: number, temperature: number): Float32Array {
  const c = checkNumClasses(numClasses);
  checkArray('probs', probs, Float32Array, null);
  if (probs.length % c !== 0) throw new RangeError(`probs length ${probs.length} is not a multiple of numClasses ${c}`);
  checkNumber('temperature', temperature, { min: 1e-6, max: 1e6 });
  const n = probs.length / c;
  const out = new Float32Array(probs.length);
  const inv = 1 / temperature;
  const row = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) {
      row[k] = Math.log(Math.max(probs[k * n + i], NLL_FLOOR)) * inv;
      if (row[k] > max) max = row[k];
    }
    let sum = 0;
    for (let k = 0; k < c; k++) sum += row[k] = Math.exp(row[k] - max);
    for (let k = 0; k < c; k++) out[k * n + i] = row[k] / sum;
  }
  return out;
}
