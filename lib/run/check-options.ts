/** The engine and label options of a run, checked before any work: messages name the flag and the value. */
import { statSync } from 'fs';
import { DEFAULT_MAP_SIZE, DEFAULT_MAX_PIXELS, DEFAULT_SAMPLES, DEFAULT_SEED } from '../defaults';
import { resolveSampleCount, type SampleCount } from '../engine/convergence';
import { checkSamplesLimit } from '../engine/limits';
import type { SegmenterOptions } from '../engine/segmenter';
import { checkDevice, checkThreads } from '../engine/session';
import { describeFsError, FileError } from '../errors';
import { checkSaveMaps, type SaveMaps } from '../report/npy-outputs';
import { checkMapScale, type MapScale } from '../report/image-outputs';
import { checkRanking, type RankingOptions } from '../report/ranking';
import { checkInteger, checkMaxPixels, checkNumber, checkRate, checkSeed } from '../validate';
import type { EntryFiles } from './report-entry';

/** What the checks read of a report run's options (ReportOptions fits). */
export interface RunOptionsToCheck extends SegmenterOptions {
  /** the images and folders: when none of them exists, a usage error (one missing among others is an error entry) */
  readonly inputs?: readonly string[];
  readonly ignoreIndex?: number;
  readonly labels?: string;
  readonly mapSize?: number;
  /** [DEFAULT_MAP_SCALE] --scale fixed|image: the heatmaps' colour ranges */
  readonly scale?: MapScale;
  readonly samples?: number | 'auto' | 'analytic';
  readonly tolerance?: number;
  readonly maxSamples?: number;
  readonly samplesLimit?: number;
  readonly seed?: number;
  readonly images?: boolean;
  readonly saveMaps?: SaveMaps;
  readonly ranking?: RankingOptions;
}

/** A report run's options, checked, with the defaults applied. */
export interface CheckedRun {
  readonly samples: SampleCount;
  readonly seed: number;
  readonly maxPixels: number;
  /** the files each image gets */
  readonly files: EntryFiles;
}

/** Checks every number and name of the options before any work, naming the flag and the value. */
export function checkRunOptions(options: RunOptionsToCheck): CheckedRun {
  const samples = resolveSampleCount(options.samples ?? DEFAULT_SAMPLES, options.tolerance, options.maxSamples);
  checkSamplesLimit(samples, options.samplesLimit);
  const seed = checkSeed('--seed', options.seed ?? DEFAULT_SEED);
  if (options.dropoutRate !== undefined) checkRate('--dropout-rate', options.dropoutRate);
  if (options.device !== undefined) checkDevice(options.device);
  if (options.threads !== undefined) checkThreads(options.threads);
  if (options.batch !== undefined) checkInteger('--batch', options.batch, 1, 4096);
  if (options.mapSize !== undefined) checkInteger('--map-size', options.mapSize, 16, 16384);
  if (options.maxPixels !== undefined) checkMaxPixels('--max-pixels', options.maxPixels);
  if (options.ignoreIndex !== undefined) checkInteger('--ignore-index', options.ignoreIndex, 0, 255);
  if (options.temperature !== undefined) checkNumber('--temperature', options.temperature, { above: 0 });
  if (options.ranking !== undefined) checkRanking(options.ranking);
  if (options.labels !== undefined) {
    let dir = false;
    try {
      dir = statSync(options.labels).isDirectory();
    } catch (err) {
      // a mistyped folder is the usual cause: say so, not the generic 'removed during the run?'
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : describeFsError(err);
      throw new FileError(options.labels, reason, { flag: '--labels', cause: err });
    }
    if (!dir) throw new FileError(options.labels, 'not a folder', { flag: '--labels' });
  }
  const missing = (options.inputs ?? []).filter((input) => {
    try {
      statSync(input);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT';
    }
  });
  if (missing.length > 0 && missing.length === options.inputs?.length) {
    // a mistyped folder gave '0 images, 1 errors' and exit 1 (issue 25): nothing to run is a usage error
    throw new FileError(missing[0], `no such file or folder${missing.length > 1 ? ` (nor ${missing.slice(1).join(', ')})` : ''}: nothing to process`);
  }
  const files = { mapSize: (options.images ?? true) ? options.mapSize ?? DEFAULT_MAP_SIZE : null, saveMaps: checkSaveMaps(options.saveMaps),
    ...(options.scale !== undefined ? { scale: checkMapScale(options.scale) } : {}) };
  return { samples, seed, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS, files };
}
