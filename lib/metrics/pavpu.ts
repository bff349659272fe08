/**
 * PAvPU, patch accuracy vs patch uncertainty (Mukhoti & Gal 2018), streamed per image.
 *
 * The image is cut into patchSize x patchSize patches (partial patches at the right and bottom
 * edges are dropped; patches whose pixels are all ignore are skipped). Over a patch's
 * non-ignored pixels: the patch is accurate when pixel accuracy >= 0.5, and its uncertainty is
 * the mean uncertainty (each pixel clamped into [0, max]). At threshold t a patch is uncertain
 * when its uncertainty >= t. The stats keep accurate and inaccurate patches per log-spaced bin
 * of their uncertainty (log-bins.ts, the bins of the pixel histograms), and the thresholds swept
 * are the bins' lower edges: the sweep follows the patches' own quantiles, to 0.1% in t.
 */
import type { PavpuStats, UncertaintyKind } from './types';
import {
  binCount,
  binIndexer,
  binLowerEdge,
  binOf,
  checkLogBinLayout,
  checkSameLayout,
  createLogBinLayout,
  sparseBinsFromJSON,
  sparseBinsToJSON,
  type LogBinLayout,
  type SparseBinsJSON,
} from './log-bins';
import { checkUncertaintyKind, defaultUncertaintyMax } from './uncertainty-stats';
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
import { checkInteger, checkNumber } from '../validate';

export interface PavpuOptions {
  /** [max=defaultUncertaintyMax(kind, numClasses)] patch means are clamped to it */
  readonly max?: number;
  /** [patchSize=4] */
  readonly patchSize?: number;
  /** [floor, mantissaBits] of the bins (log-bins.ts defaults) */
  readonly floor?: number;
  readonly mantissaBits?: number;
}

function statsOn(kind: UncertaintyKind, numClasses: number, layout: LogBinLayout, patchSize: number): PavpuStats {
  const n = binCount(layout);
  return { kind, numClasses, layout, patchSize, accurate: new Float64Array(n), inaccurate: new Float64Array(n) };
}

export function createPavpuStats(kind: UncertaintyKind, numClasses: number, options: PavpuOptions = {}): PavpuStats {
  checkUncertaintyKind(kind);
  checkNumClasses(numClasses);
  const { patchSize = 4 } = options;
  checkInteger('patchSize', patchSize, 1, 4096);
  return statsOn(kind, numClasses, createLogBinLayout(options.max ?? defaultUncertaintyMax(kind, numClasses), options), patchSize);
}

/**
 * Adds one image in place.
 * @param labels [H * W] row-major, predicted [H * W], values [H * W] the uncertainty of stats.kind
 */
export function addToPavpu(
  stats: PavpuStats,
  labels: Uint8Array,
  predicted: Uint8Array,
  values: Float32Array,
  width: number,
  height: number,
  ignoreIndex?: number | null,
): PavpuStats {
  const ignore = checkIgnoreIndex(ignoreIndex);
  checkInteger('width', width, 1, 1 << 20);
  checkInteger('height', height, 1, 1 << 20);
  const n = width * height;
  checkArray('labels', labels, Uint8Array, n);
  checkArray('predicted', predicted, Uint8Array, n);
  checkArray(stats.kind, values, Float32Array, n);
  checkLabels('labels', labels, stats.numClasses, ignore);
  checkPredicted('predicted', predicted, stats.numClasses);
  const { patchSize: ps, accurate, inaccurate } = stats;
  const max = stats.layout.max;
  const ix = binIndexer(stats.layout);
  for (let py = 0; py + ps <= height; py += ps) {
    for (let px = 0; px + ps <= width; px += ps) {
      let used = 0;
      let correct = 0;
      let sum = 0;
      for (let y = py; y < py + ps; y++) {
        for (let i = y * width + px, end = i + ps; i < end; i++) {
          const label = labels[i];
          if (label === ignore) continue;
          const v = values[i];
          if (!Number.isFinite(v)) throw new RangeError(`${stats.kind}[${i}] = ${v} is not finite`);
          used++;
          if (predicted[i] === label) correct++;
          sum += v < 0 ? 0 : v > max ? max : v;
        }
      }
      if (used === 0) continue;
      const j = binOf(ix, sum / used);
      if (2 * correct >= used) accurate[j] += 1;
      else inaccurate[j] += 1;
    }
  }
  return stats;
}

export function mergePavpuStats(a: PavpuStats, b: PavpuStats): PavpuStats {
  checkSame('kind', a.kind, b.kind);
  checkSame('numClasses', a.numClasses, b.numClasses);
  checkSameLayout(a.layout, b.layout);
  checkSame('patchSize', a.patchSize, b.patchSize);
  return { ...a, accurate: addArrays(a.accurate, b.accurate), inaccurate: addArrays(a.inaccurate, b.inaccurate) };
}

/** The PAvPU quantities at one threshold. */
export interface PavpuPoint {
  readonly threshold: number;
  /** accurate & certain, accurate & uncertain, inaccurate & certain, inaccurate & uncertain */
  readonly nAC: number;
  readonly nAU: number;
  readonly nIC: number;
  readonly nIU: number;
  /** (nAC + nIU) / total */
  readonly pavpu: number;
  /** nAC / (nAC + nIC) */
  readonly pAccurateGivenCertain: number;
  /** nIU / (nIC + nIU) */
  readonly pUncertainGivenInaccurate: number;
}

function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

function point(threshold: number, nAC: number, nAU: number, nIC: number, nIU: number): PavpuPoint {
  return {
    threshold, nAC, nAU, nIC, nIU,
    pavpu: ratio(nAC + nIU, nAC + nAU + nIC + nIU),
    pAccurateGivenCertain: ratio(nAC, nAC + nIC),
    pUncertainGivenInaccurate: ratio(nIU, nIC + nIU),
  };
}

/**
 * PAvPU at the lower edge of every non-empty bin (patches in that bin and above are uncertain),
 * then at the top of the last non-empty bin (none uncertain); thresholds ascend.
 */
export function pavpuCurve(stats: PavpuStats): PavpuPoint[] {
  const { accurate, inaccurate, layout } = stats;
  let nAU = 0;
  let nIU = 0;
  for (let j = 0; j < accurate.length; j++) {
    nAU += accurate[j];
    nIU += inaccurate[j];
  }
  let nAC = 0;
  let nIC = 0;
  let top = 0;
  const out: PavpuPoint[] = [];
  for (let j = 0; j < accurate.length; j++) {
    if (accurate[j] === 0 && inaccurate[j] === 0) continue;
    out.push(point(binLowerEdge(layout, j), nAC, nAU, nIC, nIU));
    nAC += accurate[j];
    nAU -= accurate[j];
    nIC += inaccurate[j];
    nIU -= inaccurate[j];
    top = j + 1;
  }
  out.push(point(binLowerEdge(layout, top), nAC, nAU, nIC, nIU));
  return out;
}

/** PAvPU at `threshold` moved down to the lower edge of its bin (0.1% at most, log-bins.ts). */
export function patchAccuracyVsUncertainty(stats: PavpuStats, threshold: number): PavpuPoint {
  checkNumber('threshold', threshold);
  const j = binOf(binIndexer(stats.layout), threshold);
  let nAC = 0, nAU = 0, nIC = 0, nIU = 0;
  for (let b = 0; b < stats.accurate.length; b++) {
    if (b < j) {
      nAC += stats.accurate[b];
      nIC += stats.inaccurate[b];
    } else {
      nAU += stats.accurate[b];
      nIU += stats.inaccurate[b];
    }
  }
  return point(binLowerEdge(stats.layout, j), nAC, nAU, nIC, nIU);
}

/** The curve point whose share of uncertain patches is nearest `share` (the lower threshold on ties). */
export function pavpuAtUncertainShare(stats: PavpuStats, share: number): PavpuPoint {
  checkNumber('share', share, { min: 0, max: 1 });
  const curve = pavpuCurve(stats);
  let best = curve[0];
  let bestDiff = Infinity;
  for (const p of curve) {
    const total = p.nAC + p.nAU + p.nIC + p.nIU;
    const diff = Math.abs(p.nAU + p.nIU - share * total);
    if (diff < bestDiff) {
      bestDiff = diff;
      best = p;
    }
  }
  return best;
}

export interface PavpuSummary {
  /** the threshold with the highest PAvPU (the lowest such threshold on ties); chosen with the labels */
  readonly best: PavpuPoint;
  /**
   * at `threshold` when given, else at the balanced threshold: where the count of uncertain
   * patches is nearest the count of inaccurate ones (nAU nearest nIC), a ranking that flags as
   * many patches as there are errors
   */
  readonly fixed: PavpuPoint;
}

export function pavpuSummary(stats: PavpuStats, threshold?: number): PavpuSummary {
  const curve = pavpuCurve(stats);
  let best = curve[0];
  for (const p of curve) if (p.pavpu > best.pavpu || Number.isNaN(best.pavpu)) best = p;
  if (threshold !== undefined) return { best, fixed: patchAccuracyVsUncertainty(stats, threshold) };
  let fixed = curve[0];
  let bestDiff = Infinity;
  for (const p of curve) {
    const diff = Math.abs(p.nAU - p.nIC);
    if (diff < bestDiff) {
      bestDiff = diff;
      fixed = p;
    }
  }
  return { best, fixed };
}

/** Only the non-empty bins: [accurate, inaccurate] per listed bin. */
export interface PavpuStatsJSON {
  readonly kind: UncertaintyKind;
  readonly numClasses: number;
  readonly layout: LogBinLayout;
  readonly patchSize: number;
  readonly bins: SparseBinsJSON;
}

export function pavpuStatsToJSON(s: PavpuStats): PavpuStatsJSON {
  return { kind: s.kind, numClasses: s.numClasses, layout: { ...s.layout }, patchSize: s.patchSize, bins: sparseBinsToJSON([s.accurate, s.inaccurate]) };
}

export function pavpuStatsFromJSON(value: unknown): PavpuStats {
  const o = checkObject('pavpu', value);
  const layout = checkLogBinLayout(checkObject('pavpu.layout', o.layout));
  const s = statsOn(checkUncertaintyKind(o.kind), checkNumClasses(o.numClasses), layout, checkInteger('pavpu.patchSize', o.patchSize, 1, 4096));
  sparseBinsFromJSON(`pavpu ${s.kind} bins`, o.bins, [s.accurate, s.inaccurate]);
  return s;
}
