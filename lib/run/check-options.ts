/** The engine and label options of a run, checked before any work: messages name the flag and the value. */
import { statSync } from 'fs';
import type { SegmenterOptions } from '../engine/segmenter';
import { checkDevice, checkThreads } from '../engine/session';
import { describeFsError, FileError } from '../errors';
import { checkInteger, checkNumber, checkRate } from '../validate';

export interface RunOptionsToCheck extends SegmenterOptions {
  readonly ignoreIndex?: number;
  readonly labels?: string;
  readonly mapSize?: number;
}

/** Checks every number and name of the options before any work, naming the flag and the value. */
export function checkRunOptions(options: RunOptionsToCheck): void {
  if (options.dropoutRate !== undefined) checkRate('--dropout-rate', options.dropoutRate);
  if (options.device !== undefined) checkDevice(options.device);
  if (options.threads !== undefined) checkThreads(options.threads);
  if (options.batch !== undefined) checkInteger('--batch', options.batch, 1, 4096);
  if (options.mapSize !== undefined) checkInteger('--map-size', options.mapSize, 16, 16384);
  if (options.maxPixels !== undefined) checkInteger('--max-pixels', options.maxPixels, 1, 2 ** 31);
  if (options.ignoreIndex !== undefined) checkInteger('--ignore-index', options.ignoreIndex, 0, 255);
  if (options.temperature !== undefined) checkNumber('--temperature', options.temperature, { above: 0 });
  if (options.labels !== undefined) {
    let dir = false;
    try {
      dir = statSync(options.labels).isDirectory();
    } catch (err) {
      throw new FileError(options.labels, describeFsError(err), { flag: '--labels', cause: err });
    }
    if (!dir) throw new FileError(options.labels, 'not a folder', { flag: '--labels' });
  }
}
