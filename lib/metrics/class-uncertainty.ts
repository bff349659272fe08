/**
 * Mean uncertainty per labelled class (sum and count per class), to plot against class IoU
 * and pixel frequency. Values are clamped into [0, defaultUncertaintyMax(kind, C)] like the
 * histograms, and summed exactly (fixed-sum.ts) so shards merge exactly.
 */
import type { ClassUncertaintyStats, PixelUncertainties, UncertaintyKind } from './types';
import {
  FIXED_CHUNK,
  FIXED_SCALE,
  createFixedSums,
  fixedSumValue,
  fixedSumsFromJSON,
  fixedSumsToJSON,
  mergeFixedSums,
  normalizeFixedSums,
  type FixedSumsJSON,
} from './fixed-sum';
import { UNCERTAINTY_KINDS, checkUncertaintyKind, defaultUncertaintyMax } from './uncertainty-stats';
import { addArrays, checkArray, checkIgnoreIndex, checkLabels, checkNumClasses, checkObject, checkSame, countsFromJSON } from './validate';

export function createClassUncertaintyStats(numClasses: number): ClassUncertaintyStats {
  const c = checkNumClasses(numClasses);
  return {
    numClasses: c,
    count: new Float64Array(c),
    sums: { entropy: createFixedSums(c), mutualInformation: createFixedSums(c), variance: createFixedSums(c) },
  };
}

/**
 * Adds one image in place.
 * @param labels [N]; uncertainties.entropy / mutualInformation / variance [N] each
 */
export function addToClassUncertainty(
  stats: ClassUncertaintyStats,
  labels: Uint8Array,
  uncertainties: PixelUncertainties,
  ignoreIndex?: number | null,
): ClassUncertaintyStats {
  const ignore = checkIgnoreIndex(ignoreIndex);
  checkArray('labels', labels, Uint8Array, null);
  const n = labels.length;
  checkLabels('labels', labels, stats.numClasses, ignore);
  for (const kind of UNCERTAINTY_KINDS) {
    const values = checkArray(`uncertainties.${kind}`, uncertainties[kind], Float32Array, n);
    const max = defaultUncertaintyMax(kind, stats.numClasses);
    const lo = stats.sums[kind].lo;
    for (let start = 0; start < n; start += FIXED_CHUNK) {
      const end = Math.min(n, start + FIXED_CHUNK);
      for (let i = start; i < end; i++) {
        const y = labels[i];
        if (y === ignore) continue;
        const v = values[i];
        if (!Number.isFinite(v)) throw new RangeError(`uncertainties.${kind}[${i}] = ${v} is not finite`);
        lo[y] += Math.round((v < 0 ? 0 : v > max ? max : v) * FIXED_SCALE);
      }
      normalizeFixedSums(stats.sums[kind]);
    }
  }
  const count = stats.count;
  for (let i = 0; i < n; i++) if (labels[i] !== ignore) count[labels[i]] += 1;
  return stats;
}

/** Mean uncertainty of `kind` per class [C]; NaN for a class with no labelled pixel. */
export function perClassMeanUncertainty(stats: ClassUncertaintyStats, kind: UncertaintyKind): Float64Array {
  checkUncertaintyKind(kind);
  const out = new Float64Array(stats.numClasses);
  for (let k = 0; k < stats.numClasses; k++) {
    out[k] = stats.count[k] === 0 ? NaN : fixedSumValue(stats.sums[kind], k) / stats.count[k];
  }
  return out;
}

export function mergeClassUncertaintyStats(a: ClassUncertaintyStats, b: ClassUncertaintyStats): ClassUncertaintyStats {
  checkSame('numClasses', a.numClasses, b.numClasses);
  return {
    numClasses: a.numClasses,
    count: addArrays(a.count, b.count),
    sums: {
      entropy: mergeFixedSums(a.sums.entropy, b.sums.entropy),
      mutualInformation: mergeFixedSums(a.sums.mutualInformation, b.sums.mutualInformation),
      variance: mergeFixedSums(a.sums.variance, b.sums.variance),
    },
  };
}

export interface ClassUncertaintyStatsJSON {
  readonly numClasses: number;
  readonly count: number[];
  readonly sums: Record<UncertaintyKind, FixedSumsJSON>;
}

export function classUncertaintyStatsToJSON(s: ClassUncertaintyStats): ClassUncertaintyStatsJSON {
  return {
    numClasses: s.numClasses,
    count: Array.from(s.count),
    sums: { entropy: fixedSumsToJSON(s.sums.entropy), mutualInformation: fixedSumsToJSON(s.sums.mutualInformation), variance: fixedSumsToJSON(s.sums.variance) },
  };
}

export function classUncertaintyStatsFromJSON(value: unknown): ClassUncertaintyStats {
  const o = checkObject('classUncertainty', value);
  const c = checkNumClasses(o.numClasses);
  const sums = checkObject('classUncertainty.sums', o.sums);
  return {
    numClasses: c,
    count: countsFromJSON('classUncertainty.count', o.count, c),
    sums: {
      entropy: fixedSumsFromJSON('classUncertainty.sums.entropy', sums.entropy, c),
      mutualInformation: fixedSumsFromJSON('classUncertainty.sums.mutualInformation', sums.mutualInformation, c),
      variance: fixedSumsFromJSON('classUncertainty.sums.variance', sums.variance, c),
    },
  };
}
