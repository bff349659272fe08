/**
 * samples.json's rows from what a samples run adds up at each sample count: float sums of the
 * uncertainties, pixels agreeing with the largest count, pixels and time, plus the confusion and
 * calibration statistics of the labelled images. One run and a merge of its shards
 * (lib/shard/merge-samples.ts) add the same values in the same order.
 */
import type { UncertaintyMaps } from '../engine/types';
import { expectedCalibrationError } from '../metrics/calibration';
import { createCalibrationStats } from '../metrics/calibration-stats';
import { createConfusion } from '../metrics/confusion';
import { globalAccuracy, meanIoU } from '../metrics/segmentation';
import { finiteOrNull } from '../metrics/summary';
import type { CalibrationStats, ConfusionMatrix } from '../metrics/types';
import type { SampleCountRow } from './formats';

/** What one image adds at one count. */
export interface CountValues {
  readonly entropy: number;
  readonly mi: number;
  readonly agree: number;
  readonly pixels: number;
  readonly ms: number;
}

export interface ImageCountValues {
  readonly file: string;
  readonly sha256: string;
  /** one entry per count, ascending */
  readonly values: readonly CountValues[];
}

/** What a samples run adds up at one count. */
export interface CountAccumulator {
  readonly confusion: ConfusionMatrix;
  readonly calibration: CalibrationStats;
  entropy: number;
  mi: number;
  agree: number;
  pixels: number;
  ms: number;
}

export function createCountAccumulator(numClasses: number, bins: number): CountAccumulator {
  return { confusion: createConfusion(numClasses), calibration: createCalibrationStats(numClasses, { bins }), entropy: 0, mi: 0, agree: 0, pixels: 0, ms: 0 };
}

function sumOf(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

function agreementCount(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) n++;
  return n;
}

/** One image's values at one count, from its maps there (model resolution), the largest count's class map and the time to reach it. */
export function countValues(maps: UncertaintyMaps, largest: Uint8Array, ms: number): CountValues {
  return { entropy: sumOf(maps.predictiveEntropy), mi: sumOf(maps.mutualInformation), agree: agreementCount(maps.predicted, largest), pixels: maps.predicted.length, ms };
}

/** Adds one image's values at one count (the same order of additions as a run: see lib/shard/merge-samples). */
export function addCountValues(acc: CountAccumulator, v: CountValues): void {
  acc.entropy += v.entropy;
  acc.mi += v.mi;
  acc.agree += v.agree;
  acc.pixels += v.pixels;
  acc.ms += v.ms;
}

/** The table's rows from the accumulated counts. */
export function countRows(counts: readonly number[], perCount: readonly CountAccumulator[], images: number, labelledImages: number): SampleCountRow[] {
  return counts.map((samples, j) => {
    const acc = perCount[j];
    const px = acc.pixels;
    return {
      samples,
      meanIoU: labelledImages ? finiteOrNull(meanIoU(acc.confusion)) : null,
      globalAccuracy: labelledImages ? finiteOrNull(globalAccuracy(acc.confusion)) : null,
      ece: labelledImages ? finiteOrNull(expectedCalibrationError(acc.calibration)) : null,
      meanEntropy: px ? acc.entropy / px : null,
      meanMutualInformation: px ? acc.mi / px : null,
      agreement: px ? acc.agree / px : null,
      msPerImage: images ? acc.ms / images : null,
    };
  });
}
