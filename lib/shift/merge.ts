/**
 * shift.json of the shards of one run, added up: each condition's statistics merge exactly, so
 * the merged rows, summary and charts are those of one run over every image.
 */
import { mergeMetricStats } from '../metrics/metric-stats';
import { fileHeader } from '../report/file-header';
import type { ShiftCondition } from './conditions';
import { writeShiftPage } from './page';
import { readShiftResult, SHIFT_SCHEMA_VERSION, shiftRow, summarizeSeverities, writeShiftResult, type ShiftResult } from './result';

const SAME = ['samples', 'seed', 'bins', 'ignoreIndex', 'classes', 'corruptions', 'severities'] as const;

/** Merges the shift.json in each folder into OUT/shift.json and OUT/index.html; throws naming the file that does not add up. */
export function mergeShiftResults(dirs: readonly string[], out: string, extra: { errors?: ShiftResult['errors'] } = {}): ShiftResult {
  const runs = dirs.map((d) => readShiftResult(d));
  const first = runs[0];
  const conditionsOf = (r: ShiftResult): string => JSON.stringify(r.rows.map((row): ShiftCondition => ({ corruption: row.corruption, severity: row.severity })));
  for (const run of runs.slice(1)) {
    for (const key of SAME) {
      if (JSON.stringify(run.result[key]) !== JSON.stringify(first.result[key])) {
        throw new Error(`${run.file}: ${key} ${JSON.stringify(run.result[key])} differs from ${JSON.stringify(first.result[key])} in ${first.file}; only shards of one run can be merged`);
      }
    }
    if (run.result.model.name !== first.result.model.name || run.result.model.temperature !== first.result.model.temperature) {
      throw new Error(`${run.file}: model ${run.result.model.name} differs from ${first.result.model.name} in ${first.file}`);
    }
    if (conditionsOf(run.result) !== conditionsOf(first.result)) throw new Error(`${run.file}: its conditions differ from ${first.file}'s`);
  }
  const stats = first.result.rows.map((_, k) => runs.map((r) => r.stats[k]).reduce((a, b) => mergeMetricStats(a, b)));
  const rows = first.result.rows.map((row, k) => shiftRow(row, stats[k]));
  const merged: ShiftResult = {
    ...first.result, ...fileHeader(SHIFT_SCHEMA_VERSION),
    images: runs.reduce((n, r) => n + r.result.images, 0), rows, ...summarizeSeverities(rows),
    errors: [...runs.flatMap((r) => r.result.errors), ...(extra.errors ?? [])], warnings: [...new Set(runs.flatMap((r) => r.result.warnings))],
    complete: runs.every((r) => r.result.complete), mergedFrom: runs.map((r) => r.file),
  };
  writeShiftResult(out, merged, stats);
  writeShiftPage(out, merged, stats);
  return merged;
}
