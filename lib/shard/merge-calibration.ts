/**
 * calibration.json of several runs over disjoint images, added up: the statistics in each file
 * are sufficient and merge exactly (fixed-point sums, integer counts), so the merged metrics are
 * those of one run over every image; the charts are drawn again from the merged numbers.
 */
import * as path from 'path';
import type { MetricStats } from '../metrics/types';
import type { ModelCard } from '../model/types';
import { readCalibrationReport, writeCalibrationCharts, writeCalibrationReport } from '../report/calibration-files';
import { fileHeader } from '../report/file-header';
import { CALIBRATION_SCHEMA_VERSION, type CalibrationReport } from '../report/formats';
import { mergeMetricStats, metricStatsToJSON } from '../metrics/metric-stats';
import { summarizeMetrics } from '../metrics/summary';
import { CardError, loadCard } from '../model/card';
import { FileError } from '../errors';
import { sha256File } from '../report/resume';

export type CalibrationRun = ReturnType<typeof readCalibrationReport>;

/** What must agree between runs for their statistics to add up to one run's. */
const SAME: readonly (keyof CalibrationReport)[] = ['schemaVersion', 'samples', 'seed', 'bins', 'ignoreIndex', 'classes'];

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Throws, naming both files, when two runs were made with settings that do not add up. */
export function checkSameCalibration(runs: readonly CalibrationRun[]): void {
  const first = runs[0];
  for (const run of runs.slice(1)) {
    for (const key of SAME) {
      if (!sameValue(run.report[key], first.report[key])) {
        throw new Error(`${run.file}: ${key} ${JSON.stringify(run.report[key])} differs from ${JSON.stringify(first.report[key])} in ${first.file}; `
          + 'only runs made with the same settings can be merged');
      }
    }
    if (run.report.model.name !== first.report.model.name || run.report.model.temperature !== first.report.model.temperature) {
      throw new Error(`${run.file}: model ${run.report.model.name} (temperature ${run.report.model.temperature}) differs from `
        + `${first.report.model.name} (temperature ${first.report.model.temperature}) in ${first.file}`);
    }
  }
}

/**
 * The model card for the merged page: `--card`, else the one the runs recorded. A recorded path
 * is another run's word, not the user's (issue 25): with the card's sha256 recorded (shards)
 * the file there must have it, else it is refused without showing what it holds; a card that
 * cannot be read is named, never quoted. Its classes must be the runs' (when known).
 */
export function mergeCard(recorded: string, override: string | undefined, classes: readonly string[] | null, recordedBy: string, digest?: string | null): ModelCard {
  const cardPath = override ?? recorded;
  let card: ModelCard;
  if (override === undefined) {
    const refuse = (why: string, cause?: unknown): never => {
      throw new CardError(recorded, `${why} (the card ${recordedBy} recorded; pass --card)`, cause === undefined ? {} : { cause });
    };
    if (typeof recorded !== 'string' || recorded === '') refuse('no card path recorded');
    if (digest) {
      let actual: string;
      try {
        actual = sha256File(recorded, 'card');
      } catch (err) {
        return refuse(err instanceof FileError ? err.reason : 'cannot be read', err);
      }
      if (actual !== digest) refuse(`is not the card the runs were made with (its sha256 is ${actual.slice(0, 12)}..., they recorded ${digest.slice(0, 12)}...)`);
    }
    try {
      card = loadCard(recorded);
    } catch (err) {
      // the reason may quote the file (JSON.parse does): named only, unless its digest vouched for it
      return refuse(digest && err instanceof CardError ? err.reason : 'cannot be read as a model card', err);
    }
  } else card = loadCard(override);
  if (classes !== null && !sameValue(card.classes.map((c) => c.name), classes)) {
    throw new CardError(cardPath, `its classes ${JSON.stringify(card.classes.map((c) => c.name))} are not the runs' ${JSON.stringify(classes)}`);
  }
  return card;
}

/** The runs added up so far: only the first report and the running statistics stay in memory. */
export interface CalibrationFold {
  readonly first: CalibrationRun;
  readonly stats: MetricStats;
  readonly errors: CalibrationReport['errors'];
  /** per run: its file and labelled images */
  readonly runs: readonly { readonly file: string; readonly images: number; readonly labels: string }[];
}

/**
 * Reads the runs one at a time, checks each against the first and adds its statistics: memory
 * holds two runs' statistics at most, whatever the number of shards (a CamVid calibration.json
 * is about 6 MB, so 1,000 shards held at once would not fit).
 */
export function foldCalibrations(inputs: readonly string[]): CalibrationFold {
  const first = readCalibrationReport(inputs[0]);
  let stats = first.stats;
  const errors = [...first.report.errors];
  const runs = [{ file: first.file, images: first.stats.images, labels: first.report.labels }];
  for (const input of inputs.slice(1)) {
    const run = readCalibrationReport(input);
    checkSameCalibration([first, run]);
    stats = mergeMetricStats(stats, run.stats);
    errors.push(...run.report.errors);
    runs.push({ file: run.file, images: run.stats.images, labels: run.report.labels });
  }
  return { first, stats, errors, runs };
}

/** Writes the folded runs' OUT/calibration.json and OUT/charts/. */
/** @param extra fields to set or add (a shard merge's `shards` record and its errors) */
export function mergeCalibrations(fold: CalibrationFold, out: string, card: ModelCard,
  extra: Partial<CalibrationReport> & Readonly<Record<string, unknown>> = {}): CalibrationReport {
  const metrics = summarizeMetrics(fold.stats);
  const charts = writeCalibrationCharts(out, metrics, card);
  const merged: CalibrationReport = {
    ...fold.first.report,
    ...fileHeader(CALIBRATION_SCHEMA_VERSION),
    labels: [...new Set(fold.runs.map((r) => r.labels))].join(path.delimiter),
    metrics, temperature: null, charts, stats: metricStatsToJSON(fold.stats),
    errors: fold.errors,
    mergedFrom: fold.runs.map((r) => path.resolve(r.file)),
    ...extra,
  };
  writeCalibrationReport(out, merged);
  return merged;
}
