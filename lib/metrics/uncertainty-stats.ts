/**
 * Streamed histograms of one uncertainty kind over [0, max]: pixels and misclassified pixels
 * per bin. Bin of value v: min(B - 1, floor(v / max * B)) after clamping v into [0, max], so
 * values above max land in the last bin and slightly negative ones (float error in the mutual
 * information) in the first. Default ranges: entropy and mutual information [0, log C] (their
 * upper bounds for C classes), variance [0, 0.25] (the largest variance of a probability).
 */
import type { UncertaintyHistogram, UncertaintyKind } from '../types';
import {
  addArrays,
  checkArray,
  checkIgnoreIndex,
  checkInteger,
  checkLabels,
  checkNumClasses,
  checkNumber,
  checkObject,
  checkPredicted,
  checkSame,
  float64FromJSON,
} from './validate';

export const UNCERTAINTY_KINDS: readonly UncertaintyKind[] = ['entropy', 'mutualInformation', 'variance'];

export function checkUncertaintyKind(value: unknown): UncertaintyKind {
  if (typeof value !== 'string') throw new TypeError(`kind must be a string, got ${typeof value}`);
  if (!(UNCERTAINTY_KINDS as readonly string[]).includes(value)) {
    throw new RangeError(`kind must be one of ${UNCERTAINTY_KINDS.join(', ')}, got ${value}`);
  }
  return value as UncertaintyKind;
}

/** log(C) for entropy and mutual information (log 2 when C = 1), 0.25 for variance. */
export function defaultUncertaintyMax(kind: UncertaintyKind, numClasses: number): number {
  checkUncertaintyKind(kind);
  checkNumClasses(numClasses);
  return kind === 'variance' ? 0.25 : Math.log(Math.max(2, numClasses));
}

export interface UncertaintyHistogramOptions {
  /** [max=defaultUncertaintyMax(kind, numClasses)] upper end of the range */
  readonly max?: number;
  /** [bins=2000] */
  readonly bins?: number;
}

export function createUncertaintyHistogram(
  kind: UncertaintyKind,
  numClasses: number,
  options: UncertaintyHistogramOptions = {},
): UncertaintyHistogram {
  const { max = defaultUncertaintyMax(kind, numClasses), bins = 2000 } = options;
  checkNumber('max', max, Number.MIN_VALUE, 1e6);
  checkInteger('bins', bins, 1, 1_000_000);
  return { kind: checkUncertaintyKind(kind), numClasses: checkNumClasses(numClasses), max, count: new Float64Array(bins), errors: new Float64Array(bins) };
}

/** The bin of value v (already known finite). */
export function uncertaintyBin(h: UncertaintyHistogram, v: number): number {
  const bins = h.count.length;
  const b = Math.floor(v * (bins / h.max));
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}

/**
 * Adds one image in place.
 * @param labels [N], predicted [N], values [N] the uncertainty map of h.kind (finite)
 */
export function addToUncertaintyHistogram(
  h: UncertaintyHistogram,
  labels: Uint8Array,
  predicted: Uint8Array,
  values: Float32Array,
  ignoreIndex?: number | null,
): UncertaintyHistogram {
  const ignore = checkIgnoreIndex(ignoreIndex);
  checkArray('labels', labels, Uint8Array, null);
  const n = labels.length;
  checkArray('predicted', predicted, Uint8Array, n);
  checkArray(h.kind, values, Float32Array, n);
  checkLabels('labels', labels, h.numClasses, ignore);
  checkPredicted('predicted', predicted, h.numClasses);
  const { count, errors } = h;
  const bins = count.length;
  const scale = bins / h.max;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y === ignore) continue;
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`${h.kind}[${i}] = ${v} is not finite`);
    let b = Math.floor(v * scale);
    b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
    count[b] += 1;
    if (predicted[i] !== y) errors[b] += 1;
  }
  return h;
}

export function mergeUncertaintyHistograms(a: UncertaintyHistogram, b: UncertaintyHistogram): UncertaintyHistogram {
  checkSame('kind', a.kind, b.kind);
  checkSame('numClasses', a.numClasses, b.numClasses);
  checkSame('max', a.max, b.max);
  checkSame('bins', a.count.length, b.count.length);
  return { kind: a.kind, numClasses: a.numClasses, max: a.max, count: addArrays(a.count, b.count), errors: addArrays(a.errors, b.errors) };
}

export interface UncertaintyHistogramJSON {
  readonly kind: UncertaintyKind;
  readonly numClasses: number;
  readonly max: number;
  readonly count: number[];
  readonly errors: number[];
}

export function uncertaintyHistogramToJSON(h: UncertaintyHistogram): UncertaintyHistogramJSON {
  return { kind: h.kind, numClasses: h.numClasses, max: h.max, count: Array.from(h.count), errors: Array.from(h.errors) };
}

export function uncertaintyHistogramFromJSON(value: unknown): UncertaintyHistogram {
  const o = checkObject('uncertainty histogram', value);
  const count = o.count;
  if (!Array.isArray(count)) throw new TypeError(`count must be an array, got ${typeof count}`);
  const h = createUncertaintyHistogram(checkUncertaintyKind(o.kind), checkNumClasses(o.numClasses), { max: checkNumber('max', o.max, Number.MIN_VALUE, 1e6), bins: count.length });
  h.count.set(float64FromJSON('count', count, count.length));
  h.errors.set(float64FromJSON('errors', o.errors, count.length));
  return h;
}
