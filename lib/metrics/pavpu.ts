/**
 * PAvPU, patch accuracy vs patch uncertainty (Mukhoti & Gal 2018), streamed per image.
 *
 * The image is cut into patchSize x patchSize patches (partial patches at the right and bottom
 * edges are dropped; patches whose pixels are all ignore are skipped). Over a patch's
 * non-ignored pixels: the patch is accurate when pixel accuracy >= 0.5, and its uncertainty is
 * the mean uncertainty (each pixel clamped into [0, max]). At threshold t a patch is uncertain
 * when its uncertainty >= t. The stats keep, for accurate and inaccurate patches, a histogram
 * over "how many grid thresholds lie at or below the patch uncertainty", from which the four
 * counts at every grid threshold follow.
 */
import type { PavpuStats, UncertaintyKind } from '../types';
import { checkUncertaintyKind, defaultUncertaintyMax } from './uncertainty-stats';
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

export interface PavpuOptions {
  /** [max=defaultUncertaintyMax(kind, numClasses)] top of the threshold grid */
  readonly max?: number;
  /** [patchSize=4] */
  readonly patchSize?: number;
  /** [thresholds=101] grid points t_j = max * j / (thresholds - 1) */
  readonly thresholds?: number;
}

export function createPavpuStats(kind: UncertaintyKind, numClasses: number, options: PavpuOptions = {}): PavpuStats {
  checkUncertaintyKind(kind);
  checkNumClasses(numClasses);
  const { max = defaultUncertaintyMax(kind, numClasses), patchSize = 4, thresholds = 101 } = options;
  checkNumber('max', max, Number.MIN_VALUE, 1e6);
  checkInteger('patchSize', patchSize, 1, 4096);
  checkInteger('thresholds', thresholds, 2, 100_000);
  const grid = new Float64Array(thresholds);
  for (let j = 0; j < thresholds; j++) grid[j] = (max * j) / (thresholds - 1);
  return { kind, numClasses, max, patchSize, thresholds: grid, accurate: new Float64Array(thresholds + 1), inaccurate: new Float64Array(thresholds + 1) };
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
  const { patchSize: ps, max, thresholds: grid, accurate, inaccurate } = stats;
  const last = grid.length - 1;
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
      const u = sum / used;
      // j = number of grid thresholds <= u
      let j = Math.min(last + 1, Math.max(0, Math.floor((u / max) * last) + 1));
      while (j <= last && grid[j] <= u) j++;
      while (j > 0 && grid[j - 1] > u) j--;
      if (2 * correct >= used) accurate[j] += 1;
      else inaccurate[j] += 1;
    }
  }
  return stats;
}

export function mergePavpuStats(a: PavpuStats, b: PavpuStats): PavpuStats {
  checkSame('kind', a.kind, b.kind);
  checkSame('numClasses', a.numClasses, b.numClasses);
  checkSame('max', a.max, b.max);
  checkSame('patchSize', a.patchSize, b.patchSize);
  checkSame('thresholds', a.thresholds.length, b.thresholds.length);
  return { ...a, thresholds: a.thresholds.slice(), accurate: addArrays(a.accurate, b.accurate), inaccurate: addArrays(a.inaccurate, b.inaccurate) };
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

/** PAvPU at every grid threshold, ascending. */
export function pavpuCurve(stats: PavpuStats): PavpuPoint[] {
  const { thresholds: grid, accurate, inaccurate } = stats;
  let nAC = 0;
  let nIC = 0;
  let nAU = 0;
  let nIU = 0;
  for (let j = 0; j < accurate.length; j++) {
    nAU += accurate[j];
    nIU += inaccurate[j];
  }
  const total = nAU + nIU;
  const out: PavpuPoint[] = [];
  for (let j = 0; j < grid.length; j++) {
    // uncertain at grid[j] <=> more than j thresholds <= u <=> bucket index > j
    nAC += accurate[j];
    nAU -= accurate[j];
    nIC += inaccurate[j];
    nIU -= inaccurate[j];
    out.push({
      threshold: grid[j],
      nAC,
      nAU,
      nIC,
      nIU,
      pavpu: ratio(nAC + nIU, total),
      pAccurateGivenCertain: ratio(nAC, nAC + nIC),
      pUncertainGivenInaccurate: ratio(nIU, nIC + nIU),
    });
  }
  return out;
}

/** PAvPU at the grid point nearest `threshold`. */
export function patchAccuracyVsUncertainty(stats: PavpuStats, threshold: number): PavpuPoint {
  checkNumber('threshold', threshold, -Infinity, Infinity);
  const last = stats.thresholds.length - 1;
  const j = Math.min(last, Math.max(0, Math.round((threshold / stats.max) * last)));
  return pavpuCurve(stats)[j];
}

export interface PavpuSummary {
  /** the grid threshold with the highest PAvPU (the lowest such threshold on ties) */
  readonly best: PavpuPoint;
  /**
   * at `threshold` when given, else at the balanced threshold: the grid point where the share
   * of uncertain patches is nearest the share of inaccurate patches (a ranking that flags as
   * many patches as there are errors); this operating point needs no tuning per kind
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
    const diff = Math.abs(p.nAU + p.nIU - (p.nIC + p.nIU));
    if (diff < bestDiff) {
      bestDiff = diff;
      fixed = p;
    }
  }
  return { best, fixed };
}

export interface PavpuStatsJSON {
  readonly kind: UncertaintyKind;
  readonly numClasses: number;
  readonly max: number;
  readonly patchSize: number;
  readonly thresholds: number;
  readonly accurate: number[];
  readonly inaccurate: number[];
}

export function pavpuStatsToJSON(s: PavpuStats): PavpuStatsJSON {
  return { kind: s.kind, numClasses: s.numClasses, max: s.max, patchSize: s.patchSize, thresholds: s.thresholds.length, accurate: Array.from(s.accurate), inaccurate: Array.from(s.inaccurate) };
}

export function pavpuStatsFromJSON(value: unknown): PavpuStats {
  const o = checkObject('pavpu', value);
  const s = createPavpuStats(checkUncertaintyKind(o.kind), checkNumClasses(o.numClasses), {
    max: checkNumber('pavpu.max', o.max, Number.MIN_VALUE, 1e6),
    patchSize: checkInteger('pavpu.patchSize', o.patchSize, 1, 4096),
    thresholds: checkInteger('pavpu.thresholds', o.thresholds, 2, 100_000),
  });
  s.accurate.set(float64FromJSON('pavpu.accurate', o.accurate, s.accurate.length));
  s.inaccurate.set(float64FromJSON('pavpu.inaccurate', o.inaccurate, s.inaccurate.length));
  return s;
}
