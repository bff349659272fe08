/** calibration.json and its charts: written by calibrate and merge, read by merge and audit --from. */
import * as path from 'path';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';
import { checkFile } from '../schema';
import { calibrationSchema } from './format-schemas';
import { metricStatsFromJSON, metricStatsToJSON } from '../metrics/metric-stats';
import type { MetricStats, MetricSummary } from '../metrics/types';
import type { ModelCard } from '../model/types';
import { insideOutput, writeFileAtomic } from '../atomic';
import {
  accuracyVsUncertaintyPercentile,
  confidenceHistogram,
  perClassUncertaintyVsIoU,
  reliabilityDiagram,
  sparsificationCurves,
} from './charts';
import { fileHeader } from './file-header';
import { CALIBRATION_SCHEMA_VERSION, type CalibrationCharts, type CalibrationReport } from './formats';
import type { ReportSummary } from './summary';
import { writeJsonChecked } from './write-checked';

const CHARTS: CalibrationCharts = {
  reliability: 'charts/reliability.png', confidence: 'charts/confidence-histogram.png', percentile: 'charts/accuracy-by-percentile.png',
  sparsification: 'charts/sparsification.png', perClass: 'charts/class-uncertainty-vs-iou.png',
};

/** Reads a calibration.json (or the one in a folder) and its statistics; errors name the file. */
export function readCalibrationReport(input: string): { file: string; report: CalibrationReport; stats: MetricStats } {
  const file = input.endsWith('.json') ? input : path.join(input, 'calibration.json');
  const raw = readJsonFile(file);
  const report = raw as CalibrationReport;
  if (report?.schemaVersion === 1) throw new FileError(file, 'made by an older segnet-uq (schema version 1, equal-width uncertainty bins that cannot merge with log-spaced ones); run calibrate again');
  if (typeof raw !== 'object' || raw === null || report.schemaVersion !== CALIBRATION_SCHEMA_VERSION || !report.stats) {
    throw new FileError(file, `not a segnet-uq calibration.json (schema version ${CALIBRATION_SCHEMA_VERSION} with stats)`);
  }
  let stats: MetricStats;
  try {
    stats = metricStatsFromJSON(report.stats);
  } catch (err) {
    throw new FileError(file, `its stats are damaged (${(err as Error).message})`, { cause: err });
  }
  checkFile(file, raw, calibrationSchema);
  if (stats.numClasses !== report.classes.length) {
    throw new FileError(file, `its stats are damaged (stats.numClasses ${stats.numClasses}, but ${report.classes.length} classes)`);
  }
  return { file, report, stats };
}

/** The chart PNGs of a summary, under OUT/charts/. */
export function writeCalibrationCharts(out: string, metrics: MetricSummary, card: ModelCard): CalibrationCharts {
  const u = metrics.uncertainty;
  const write = (rel: string, png: Buffer): void => writeFileAtomic(insideOutput(out, rel), png);
  write(CHARTS.reliability, reliabilityDiagram(metrics.calibration.bins));
  write(CHARTS.confidence, confidenceHistogram(metrics.calibration.bins));
  write(CHARTS.percentile, accuracyVsUncertaintyPercentile({
    entropy: u.entropy.accuracyByPercentile, mutualInformation: u.mutualInformation.accuracyByPercentile, variance: u.variance.accuracyByPercentile,
  }));
  write(CHARTS.sparsification, sparsificationCurves({
    entropy: u.entropy.sparsification, mutualInformation: u.mutualInformation.sparsification, variance: u.variance.sparsification,
  }));
  write(CHARTS.perClass, perClassUncertaintyVsIoU(metrics.perClass.map((c) => ({
    name: card.classes[c.index].name, color: card.classes[c.index].color, iou: c.iou, uncertainty: c.meanEntropy, frequency: c.frequency,
  })), { uncertaintyLabel: 'mean predictive entropy over the class pixels (nats)' }));
  return CHARTS;
}

/** What calibrate measured over a report run, beside the run's own settings (its summary). */
export interface CalibrationMeasures extends Pick<CalibrationReport, 'bins' | 'labels' | 'ignoreIndex' | 'classes' | 'metrics' | 'temperature' | 'charts'> {
  /** the card the run read (and --save-temperature wrote) */
  readonly cardPath: string;
  readonly stats: MetricStats;
}

/** The calibration.json of a report run: its model, samples, seed and errors, and what was measured. */
export function calibrationReport(summary: ReportSummary, m: CalibrationMeasures): CalibrationReport {
  const model = summary.model;
  return {
    ...fileHeader(CALIBRATION_SCHEMA_VERSION),
    model: { path: model.path, card: m.cardPath, name: model.name, temperature: model.temperature },
    samples: summary.samples, seed: summary.seed, bins: m.bins, labels: m.labels, ignoreIndex: m.ignoreIndex, classes: m.classes,
    metrics: m.metrics, temperature: m.temperature, charts: m.charts, stats: metricStatsToJSON(m.stats), errors: summary.errors,
  };
}

/** Writes OUT/calibration.json. */
export function writeCalibrationReport(out: string, report: CalibrationReport): void {
  writeJsonChecked(insideOutput(out, 'calibration.json'), report, calibrationSchema);
}
