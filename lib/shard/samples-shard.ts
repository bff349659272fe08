/**
 * A `samples --shard` folder's sufficient statistics, OUT/samples-stats.json: per count the
 * confusion matrix and calibration statistics (they merge exactly), and per image the values the
 * run adds up at each count (entropy and MI sums, agreeing pixels, pixels, ms). Those are float
 * sums, whose result depends on the order of the additions: merge adds them again in the order
 * one run over every image lists them, so the merged rows equal that run's bit for bit.
 */
import * as path from 'path';
import { calibrationStatsFromJSON, calibrationStatsToJSON, type CalibrationStatsJSON } from '../metrics/calibration-stats';
import { confusionFromJSON, confusionToJSON, type ConfusionMatrixJSON } from '../metrics/confusion';
import { insideOutput, writeFileAtomic } from '../atomic';
import { DEFAULT_DROPOUT } from '../defaults';
import { sha256File } from '../report/resume';
import type { CountAccumulator, ImageCountValues } from '../report/sample-counts';
import type { ShardListing } from './assign';
import { writeShardManifest } from './manifest';
import type { ShardSpec } from './spec';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';

export const SAMPLES_STATS_FILE = 'samples-stats.json';

export interface SamplesStatsJSON {
  readonly counts: readonly number[];
  readonly perCount: readonly { readonly confusion: ConfusionMatrixJSON; readonly calibration: CalibrationStatsJSON }[];
  readonly images: readonly ImageCountValues[];
}

/** The options of the samples run the numbers depend on (SamplesOptions fits). */
export interface SamplesShardRun {
  readonly shard?: ShardSpec | null;
  readonly inputs: readonly string[];
  readonly labels?: string;
  readonly temperature?: number;
  readonly dropout?: 'mc' | 'off';
  readonly dropoutRate?: number;
  readonly dropoutAt?: readonly string[];
}

/** Writes OUT/samples-stats.json and OUT/shard.json for a sharded samples run (of `model`, the files the segmenter read). */
export function writeSamplesShard(out: string, options: SamplesShardRun, model: { readonly modelPath: string; readonly cardPath: string }, listing: ShardListing, images: readonly ImageCountValues[],
  perCount: readonly CountAccumulator[],
  result: { readonly counts: readonly number[]; readonly seed: number; readonly batch: number; readonly device: string }, bins: number, ignoreIndex: number | null): void {
  if (!options.shard) return;
  const stats: SamplesStatsJSON = {
    counts: result.counts,
    perCount: perCount.map((acc) => ({ confusion: confusionToJSON(acc.confusion), calibration: calibrationStatsToJSON(acc.calibration) })),
    images,
  };
  writeFileAtomic(insideOutput(out, SAMPLES_STATS_FILE), JSON.stringify(stats) + '\n');
  const { modelPath, cardPath } = model;
  writeShardManifest(out, options.shard, options.inputs, listing, images, {
    model: { path: modelPath, sha256: sha256File(modelPath) }, card: { path: cardPath, sha256: sha256File(cardPath) },
    counts: result.counts, seed: result.seed, batch: result.batch, device: result.device, bins, ignoreIndex,
    labels: options.labels ? path.resolve(options.labels) : null, temperature: options.temperature ?? null,
    dropout: options.dropout ?? DEFAULT_DROPOUT, dropoutRate: options.dropoutRate ?? null, dropoutAt: options.dropoutAt ?? [],
  });
}

/** A shard's samples-stats.json, its per-count statistics decoded; errors name the file. */
export function readSamplesStats(dir: string): { stats: SamplesStatsJSON; perCount: Pick<CountAccumulator, 'confusion' | 'calibration'>[] } {
  const file = path.join(dir, SAMPLES_STATS_FILE);
  const stats = readJsonFile(file) as SamplesStatsJSON;
  try {
    return { stats, perCount: stats.perCount.map((c) => ({ confusion: confusionFromJSON(c.confusion), calibration: calibrationStatsFromJSON(c.calibration) })) };
  } catch (err) {
    throw new FileError(file, `its statistics are damaged (${(err as Error).message})`, { cause: err });
  }
}
