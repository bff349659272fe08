/**
 * Ranges that invite trouble, refused before any work (issue 20): a sample count that would take
 * hours per image. Raise a limit on purpose with its flag.
 */
import { LIMIT_DEFAULTS } from '../defaults';
import type { SampleCount } from './convergence';
import { checkInteger } from '../validate';

/** Refuses a sample count (or an auto run's --max-samples) above `limit`, naming the flag that raises it. */
export function checkSamplesLimit(count: SampleCount, limit: number = LIMIT_DEFAULTS.samplesLimit): void {
  checkInteger('--samples-limit', limit, 1);
  if (count === 'analytic') return;
  const n = typeof count === 'number' ? count : count.maxSamples;
  const flag = typeof count === 'number' ? '--samples' : '--max-samples';
  if (n > limit) {
    throw new RangeError(`${flag} ${n} is above the limit of ${limit} samples per image (each sample is a pass of the model's `
      + `suffix: hours per image at this size); raise it on purpose with --samples-limit ${n}`);
  }
}
