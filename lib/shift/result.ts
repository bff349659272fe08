/**
 * OUT/shift.json: per condition (clean, then each corruption x severity) calibrate's metrics
 * object plus the mean predictive entropy and mutual information over the labelled pixels, the
 * mergeable statistics, a summary row per severity (mean over corruptions) and a BRAVO-style
 * harmonic mean. Everything is computed from the statistics, so a merge of shards recomputes it.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { insideOutput, writeFileAtomic } from '../atomic';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';
import { fixedSumValue } from '../metrics/fixed-sum';
import { metricStatsFromJSON, metricStatsToJSON } from '../metrics/metric-stats';
import { summarizeMetrics } from '../metrics/summary';
import type { MetricStats, MetricSummary } from '../metrics/types';
import type { FileHeader } from '../report/file-header';
import type { CalibrationReport } from '../report/formats';
import type { ReportError, ReportSettings } from '../report/summary';
import { conditionKey, type ShiftCondition } from './conditions';

export const SHIFT_SCHEMA_VERSION = 1;
export const SHIFT_FILE = 'shift.json';

/** calibrate's metrics object for one condition, plus the mean uncertainties (nats) over its labelled pixels. */
export type ShiftMetrics = MetricSummary & { readonly meanEntropy: number | null; readonly meanMutualInformation: number | null };

export interface ShiftRow extends ShiftCondition {
  readonly metrics: ShiftMetrics;
  /** harmonic mean of mIoU, 1 - ECE and the entropy's misclassification AUROC (BRAVO-style); null when one is missing */
  readonly score: number | null;
  /** the file of the sufficient statistics, relative to shift.json (stats/CONDITION.json: one file per condition keeps each small); shards merge them with mergeMetricStats */
  readonly stats: string;
}

/** Means over the corruptions at one severity (the clean row alone at severity 0). */
export interface SeveritySummary {
  readonly severity: number;
  readonly conditions: number;
  readonly meanIoU: number | null;
  readonly globalAccuracy: number | null;
  readonly ece: number | null;
  readonly nll: number | null;
  readonly brier: number | null;
  readonly meanEntropy: number | null;
  readonly meanMutualInformation: number | null;
  readonly auroc: number | null;
  /** harmonic mean of the conditions' scores */
  readonly score: number | null;
}

/** The run's model, sampling and labels, recorded as calibration.json records them. */
export interface ShiftResult extends FileHeader, Pick<CalibrationReport, 'model' | 'samples' | 'seed' | 'bins' | 'labels' | 'ignoreIndex' | 'classes'> {
  readonly corruptions: readonly string[];
  readonly severities: readonly number[];
  /** images listed (this shard's with --shard) */
  readonly images: number;
  readonly rows: readonly ShiftRow[];
  readonly bySeverity: readonly SeveritySummary[];
  /** harmonic mean of every corrupted condition's score (BRAVO-style: one weak condition pulls it down) */
  readonly harmonicScore: number | null;
  readonly errors: readonly ReportError[];
  readonly warnings: readonly string[];
  /** false when the run stopped before every image (`shift --resume` goes on from here) */
  readonly complete: boolean;
  /** the images in these numbers, by content hash: every condition sampled them */
  readonly done?: readonly { readonly file: string; readonly sha256: string }[];
  /** what the numbers depend on (the model and card by content): `--resume` compares it */
  readonly settings?: ReportSettings;
  /** `merge`: the shift.json files merged */
  readonly mergedFrom?: readonly string[];
}

/** The mean of `kind` over every labelled pixel the statistics hold. */
function meanUncertainty(stats: MetricStats, kind: 'entropy' | 'mutualInformation'): number | null {
  const c = stats.classUncertainty;
  let n = 0;
  let s = 0;
  for (let k = 0; k < c.numClasses; k++) {
    n += c.count[k];
    s += fixedSumValue(c.sums[kind], k);
  }
  return n > 0 ? s / n : null;
}

export function harmonicMean(values: readonly (number | null)[]): number | null {
  if (values.length === 0 || values.some((v) => v === null || !(v >= 0))) return null;
  if (values.some((v) => v === 0)) return 0;
  return values.length / values.reduce((s: number, v) => s + 1 / (v as number), 0);
}

/** One condition's row from its statistics. */
export function shiftRow(condition: ShiftCondition, stats: MetricStats): ShiftRow {
  const summary = summarizeMetrics(stats);
  const metrics: ShiftMetrics = { ...summary, meanEntropy: meanUncertainty(stats, 'entropy'), meanMutualInformation: meanUncertainty(stats, 'mutualInformation') };
  const ece = summary.calibration.ece;
  const score = harmonicMean([summary.meanIoU, ece === null ? null : 1 - ece, summary.uncertainty.entropy.auroc]);
  return { corruption: condition.corruption, severity: condition.severity, metrics, score, stats: `stats/${conditionKey(condition)}.json` };
}

function mean(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === values.length && v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** The summary rows: severity 0 (clean), then each severity's mean over the corruptions. */
export function summarizeSeverities(rows: readonly ShiftRow[]): { bySeverity: SeveritySummary[]; harmonicScore: number | null } {
  const severities = [...new Set(rows.map((r) => r.severity))].sort((a, b) => a - b);
  const bySeverity = severities.map((severity): SeveritySummary => {
    const at = rows.filter((r) => r.severity === severity);
    const m = (f: (r: ShiftRow) => number | null): number | null => mean(at.map(f));
    return {
      severity, conditions: at.length,
      meanIoU: m((r) => r.metrics.meanIoU), globalAccuracy: m((r) => r.metrics.globalAccuracy), ece: m((r) => r.metrics.calibration.ece),
      nll: m((r) => r.metrics.calibration.nll), brier: m((r) => r.metrics.calibration.brier), meanEntropy: m((r) => r.metrics.meanEntropy),
      meanMutualInformation: m((r) => r.metrics.meanMutualInformation), auroc: m((r) => r.metrics.uncertainty.entropy.auroc),
      score: harmonicMean(at.map((r) => r.score)),
    };
  });
  return { bySeverity, harmonicScore: harmonicMean(rows.filter((r) => r.severity > 0).map((r) => r.score)) };
}

/** OUT/shift.json and each row's statistics (compact JSON: about 1.5 MB a condition on CamVid) */
export function writeShiftResult(out: string, result: ShiftResult, stats: readonly MetricStats[]): void {
  result.rows.forEach((row, k) => writeFileAtomic(insideOutput(out, row.stats), JSON.stringify(metricStatsToJSON(stats[k]))));
  writeFileAtomic(insideOutput(out, SHIFT_FILE), JSON.stringify(result, null, 2) + '\n');
}

/** audit --shift writes the shift run here, inside the audit's folder: OUT/shift/shift.json. */
export const AUDIT_SHIFT_DIR = 'shift';

/** The rows of the shift.json an audit wrote beside `file` (an audit.json or calibration.json); null when there is none. */
export function shiftRowsBeside(file: string): ShiftRow[] | null {
  const beside = path.join(path.dirname(file), AUDIT_SHIFT_DIR, SHIFT_FILE);
  return existsSync(beside) ? [...readShiftResult(beside).result.rows] : null;
}

/** Reads a shift.json (or the one in a folder) and its rows' statistics; errors name the file. */
export function readShiftResult(input: string): { file: string; result: ShiftResult; stats: MetricStats[] } {
  const file = input.endsWith('.json') ? input : path.join(input, SHIFT_FILE);
  const raw = readJsonFile(file) as ShiftResult;
  if (typeof raw !== 'object' || raw === null || raw.schemaVersion !== SHIFT_SCHEMA_VERSION || !Array.isArray(raw.rows)) {
    throw new FileError(file, `not a segnet-uq shift.json (schema version ${SHIFT_SCHEMA_VERSION} with rows)`);
  }
  const stats = raw.rows.map((r) => {
    const statsFile = path.join(path.dirname(file), typeof r.stats === 'string' && /^stats\/[^/\\]+\.json$/.test(r.stats) ? r.stats : 'stats/(not named)');
    const json = readJsonFile(statsFile);
    try {
      return metricStatsFromJSON(json);
    } catch (err) {
      throw new FileError(statsFile, `damaged statistics of ${file} (${(err as Error).message})`, { cause: err });
    }
  });
  return { file, result: raw, stats };
}
