/** The sample counts of a nested sweep (`samples --counts`): each a sample count, snapshots of one sampling loop. */
import { parseInteger } from '../validate';
import { checkSampleCount, MAX_SAMPLES } from './convergence';

/** Sorted, unique counts; each a sample count (1..MAX_SAMPLES). */
export function checkCounts(counts: readonly number[]): number[] {
  if (!Array.isArray(counts) || counts.length === 0) throw new RangeError(`--counts must list at least one sample count, got ${JSON.stringify(counts)}`);
  for (const c of counts) checkSampleCount('--counts', c);
  return [...new Set(counts)].sort((a, b) => a - b);
}

/** "1,2,5" -> [1, 2, 5]; throws naming the bad entry. */
export function parseCounts(text: string): number[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => parseInteger(`--counts '${text}': each`, s, 1, MAX_SAMPLES));
}
