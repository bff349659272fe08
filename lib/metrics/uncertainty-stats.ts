/**
 * Streamed histograms of one uncertainty kind: pixels and misclassified pixels per log-spaced
 * bin (log-bins.ts: relative width 2^-10 from a floor of 2^-40 up to the kind's analytic
 * maximum, so the bins follow the data wherever it lies). Default maxima for C classes: entropy
 * and mutual information ln C; the mean over classes of the per-class variance (1 - 1/C) / C
 * (Var p_k <= m_k (1 - m_k) for p_k in [0, 1], and sum_k m_k (1 - m_k) <= 1 - 1/C).
 */
import type { UncertaintyHistogram, UncertaintyKind } from './types';
import {
  binCount,
  binIndexer,
  checkLogBinLayout,
  checkSameLayout,
  createLogBinLayout,
  sparseBinsFromJSON,
  sparseBinsToJSON,
  type LogBinLayout,
  type SparseBinsJSON,
} from './log-bins';
import {
  addArrays,
  checkArray,
  checkIgnoreIndex,
  checkLabels,
  checkNumClasses,
  checkObject,
  checkPredicted,
  checkSame,
} from './validate';

export const UNCERTAINTY_KINDS: readonly UncertaintyKind[] = ['entropy', 'mutualInformation', 'variance'];

export function checkUncertaintyKind(value: unknown): UncertaintyKind {
  if (typeof value !== 'string') throw new TypeError(`kind must be a string, got ${typeof value}`);
  if (!(UNCERTAINTY_KINDS as readonly string[]).includes(value)) {
    throw new RangeError(`kind must be one of ${UNCERTAINTY_KINDS.join(', ')}, got ${value}`);
  }
  return value as UncertaintyKind;
}

/** ln C for entropy and mutual information, (1 - 1/C) / C for variance (C = 2 when C = 1). */
export function defaultUncertaintyMax(kind: UncertaintyKind, numClasses: number): number {
  checkUncertaintyKind(kind);
  const c = Math.max(2, checkNumClasses(numClasses));
  return kind === 'variance' ? (1 - 1 / c) / c : Math.log(c);
}

export interface UncertaintyHistogramOptions {
  /** [max=defaultUncertaintyMax(kind, numClasses)] values above share the last bin */
  readonly max?: number;
  /** [floor=DEFAULT_LOG_FLOOR] values below share the first bin */
  readonly floor?: number;
  /** [mantissaBits=DEFAULT_MANTISSA_BITS] relative bin width 2^-mantissaBits */
  readonly mantissaBits?: number;
}

export function createUncertaintyHistogram(
  kind: UncertaintyKind,
  numClasses: number,
  options: UncertaintyHistogramOptions = {},
): UncertaintyHistogram {
  const layout = createLogBinLayout(options.max ?? defaultUncertaintyMax(kind, numClasses), options);
  return histogramOn(checkUncertaintyKind(kind), checkNumClasses(numClasses), layout);
}

function histogramOn(kind: UncertaintyKind, numClasses: number, layout: LogBinLayout): UncertaintyHistogram {
  const n = binCount(layout);
  return { kind, numClasses, layout, count: new Float64Array(n), errors: new Float64Array(n) };
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
  const { shift, base, last } = binIndexer(h.layout);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y === ignore) continue;
    const u = bits[i];
    let b: number;
    if (u >= 0x7f800000) {
      // negative (float error below 0) or not finite
      if (u < 0x80000000 || u >= 0xff800000) throw new RangeError(`${h.kind}[${i}] = ${values[i]} is not finite`);
      b = 0;
    } else if (u === 0) {
      b = 0;
    } else {
      b = (u >>> shift) - base + 2;
      b = b < 2 ? 1 : b > last ? last : b;
    }
    count[b] += 1;
    if (predicted[i] !== y) errors[b] += 1;
  }
  return h;
}

export function mergeUncertaintyHistograms(a: UncertaintyHistogram, b: UncertaintyHistogram): UncertaintyHistogram {
  checkSame('kind', a.kind, b.kind);
  checkSame('numClasses', a.numClasses, b.numClasses);
  checkSameLayout(a.layout, b.layout);
  return { kind: a.kind, numClasses: a.numClasses, layout: a.layout, count: addArrays(a.count, b.count), errors: addArrays(a.errors, b.errors) };
}

/** Only the non-empty bins: [count, errors] per listed bin. */
export interface UncertaintyHistogramJSON {
  readonly kind: UncertaintyKind;
  readonly numClasses: number;
  readonly layout: LogBinLayout;
  readonly bins: SparseBinsJSON;
}

export function uncertaintyHistogramToJSON(h: UncertaintyHistogram): UncertaintyHistogramJSON {
  return { kind: h.kind, numClasses: h.numClasses, layout: { ...h.layout }, bins: sparseBinsToJSON([h.count, h.errors]) };
}

export function uncertaintyHistogramFromJSON(value: unknown): UncertaintyHistogram {
  const o = checkObject('uncertainty histogram', value);
  const layout = checkLogBinLayout(checkObject('layout', o.layout));
  const h = histogramOn(checkUncertaintyKind(o.kind), checkNumClasses(o.numClasses), layout);
  sparseBinsFromJSON(`${h.kind} bins`, o.bins, [h.count, h.errors]);
  for (let b = 0; b < h.count.length; b++) {
    if (h.errors[b] > h.count[b]) throw new RangeError(`${h.kind} bins: bin ${b} has ${h.errors[b]} errors among ${h.count[b]} pixels`);
  }
  return h;
}
