/**
 * Streamed pixel statistics of one anomaly score: anomaly and inlier pixels per log-spaced bin
 * (lib/metrics/log-bins.ts: relative width 2^-10, so only scores within 0.1% of each other
 * share a bin). The benchmarks pool every pixel of the data set before they sort (Fishyscapes
 * eval.py, SegmentMeIfYouCan's pixel curves); adding images' counts is that pooling, so shards
 * merge exactly. Labels: 1 anomaly, 0 inlier, 255 outside the region of interest.
 */
import {
  binCount, binIndexer, binOfBits, checkLogBinLayout, checkSameLayout, createLogBinLayout, sparseBinsFromJSON, sparseBinsToJSON,
  type LogBinLayout, type SparseBinsJSON,
} from '../metrics/log-bins';
import { addArrays, checkObject, checkSame } from '../metrics/validate';
import { anomalyScoreMax, checkAnomalyKind, type AnomalyKind } from './scores';

/** Label values of an anomaly label PNG. */
export const ANOMALY = 1;
export const INLIER = 0;
export const OUTSIDE = 255;

export interface AnomalyHistogram {
  readonly kind: AnomalyKind;
  readonly layout: LogBinLayout;
  /** anomaly pixels per bin */
  readonly anomaly: Float64Array;
  /** inlier pixels per bin */
  readonly inlier: Float64Array;
}

export function createAnomalyHistogram(kind: AnomalyKind, numClasses: number): AnomalyHistogram {
  return histogramOn(checkAnomalyKind(kind), createLogBinLayout(anomalyScoreMax(kind, numClasses)));
}

function histogramOn(kind: AnomalyKind, layout: LogBinLayout): AnomalyHistogram {
  const n = binCount(layout);
  // the component pass keeps bin indices as Uint16 (under 2^16 bins for any layout with max <= 1e6)
  if (n > 65536) throw new RangeError(`${kind}: ${n} bins do not fit 16 bits`);
  return { kind, layout, anomaly: new Float64Array(n), inlier: new Float64Array(n) };
}

/**
 * Every pixel's bin of `h`'s layout [N] (the component pass thresholds these). Throws before
 * anything is counted, naming the pixel, for a score that is not finite.
 */
export function scoreBins(h: AnomalyHistogram, scores: Float32Array): Uint16Array {
  const n = scores.length;
  const out = new Uint16Array(n);
  const ix = binIndexer(h.layout);
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
  for (let i = 0; i < n; i++) {
    // bin 0 also holds a score just below 0 (float error); NaN marks one that is not finite
    const b = binOfBits(ix, bits[i]);
    if (Number.isNaN(b)) throw new RangeError(`${h.kind}[${i}] = ${scores[i]} is not finite`);
    out[i] = b;
  }
  return out;
}

/** Label values other than 0, 1 and 255, as a message naming the first one's pixel; null when there are none. */
export function badLabelValue(labels: Uint8Array, width: number): string | null {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== ANOMALY && y !== INLIER && y !== OUTSIDE) {
      return `label value ${y} at pixel (${i % width}, ${Math.floor(i / width)}) is not 0 (inlier), 1 (anomaly) or 255 (outside the region of interest)`;
    }
  }
  return null;
}

/** Counts one image's binned pixels (scoreBins) in place; pixels labelled other than 0 or 1 are left out. */
export function addBinnedPixels(h: AnomalyHistogram, labels: Uint8Array, bins: Uint16Array): void {
  if (bins.length !== labels.length) throw new RangeError(`${h.kind}: ${bins.length} scores for ${labels.length} labels`);
  const { anomaly, inlier } = h;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y === ANOMALY) anomaly[bins[i]] += 1;
    else if (y === INLIER) inlier[bins[i]] += 1;
  }
}

/** scoreBins then addBinnedPixels: one image's scores counted; returns the bins. */
export function addAnomalyPixels(h: AnomalyHistogram, labels: Uint8Array, scores: Float32Array): Uint16Array {
  if (scores.length !== labels.length) throw new RangeError(`${h.kind}: ${scores.length} scores for ${labels.length} labels`);
  const bins = scoreBins(h, scores);
  addBinnedPixels(h, labels, bins);
  return bins;
}

export function mergeAnomalyHistograms(a: AnomalyHistogram, b: AnomalyHistogram): AnomalyHistogram {
  checkSame('kind', a.kind, b.kind);
  checkSameLayout(a.layout, b.layout);
  return { kind: a.kind, layout: a.layout, anomaly: addArrays(a.anomaly, b.anomaly), inlier: addArrays(a.inlier, b.inlier) };
}

/** Only the non-empty bins: [anomaly, inlier] per listed bin. */
export interface AnomalyHistogramJSON {
  readonly kind: AnomalyKind;
  readonly layout: LogBinLayout;
  readonly bins: SparseBinsJSON;
}

export function anomalyHistogramToJSON(h: AnomalyHistogram): AnomalyHistogramJSON {
  return { kind: h.kind, layout: { ...h.layout }, bins: sparseBinsToJSON([h.anomaly, h.inlier]) };
}

export function anomalyHistogramFromJSON(value: unknown): AnomalyHistogram {
  const o = checkObject('anomaly histogram', value);
  const h = histogramOn(checkAnomalyKind(o.kind), checkLogBinLayout(checkObject('layout', o.layout)));
  sparseBinsFromJSON(`${h.kind} bins`, o.bins, [h.anomaly, h.inlier]);
  return h;
}
