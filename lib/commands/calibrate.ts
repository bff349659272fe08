/**
 * `segnet-uq calibrate`: the report (maps, table, summary.json) plus how trustworthy the
 * confidence and uncertainty are against labels: streamed MetricStats at label resolution,
 * OUT/calibration.json (every metric, the reliability bins and the mergeable statistics), chart
 * PNGs and a calibration section in OUT/index.html. With --fit-temperature, a softmax temperature
 * is fitted on a bounded reservoir of labelled pixels and ECE/NLL are reported before and after.
 */
import * as path from 'path';
import { DEFAULT_BINS, DEFAULT_OUT, DEFAULT_RESERVOIR_SIZE, DEFAULT_SEED } from '../defaults';
import { summarizeMetrics } from '../metrics/summary';
import { saveTemperature } from '../model/card';
import type { ResolvedModel } from '../model/types';
import { calibrationSectionHtml } from '../report/calibration-html';
import { calibrationReport, writeCalibrationCharts, writeCalibrationReport } from '../report/calibration-files';
import type { CalibrationReport } from '../report/formats';
import type { ReportSummary } from '../report/summary';
import { CalibrationSink } from '../run/calibration-sink';
import type { ImageSink } from '../run/types';
import { checkBins, checkInteger } from '../validate';
import { runReportImages, writeReportIndex, type ReportOptions } from './report';

export interface CalibrateOptions extends Omit<ReportOptions, 'resume' | 'labels' | 'ranking'> {
  /** folder of label PNGs named like the images (required) */
  readonly labels: string;
  /** [DEFAULT_BINS] equal-width confidence bins (ECE, MCE, reliability diagram) */
  readonly bins?: number;
  /** [false] fit a softmax temperature on the labelled pixels */
  readonly fitTemperature?: boolean;
  /** [false] write the fitted temperature into the model card (implies fitTemperature) */
  readonly saveTemperature?: boolean;
  /** [DEFAULT_RESERVOIR_SIZE] pixels held for the temperature fit (a seeded uniform sample of all labelled pixels) */
  readonly reservoirSize?: number;
}

export interface CalibrateResult {
  readonly summary: ReportSummary;
  readonly calibration: CalibrationReport;
}

/**
 * extra.labelled: more work per labelled image, after the calibration's own (audit's slices and
 * worst images); resolved: the model and card the caller read already (runReportImages).
 */
export async function runCalibrate<T>(options: CalibrateOptions, extra: ImageSink, resolved: ResolvedModel | undefined, finish: (result: CalibrateResult) => T): Promise<T>;
export async function runCalibrate(options: CalibrateOptions, extra?: ImageSink, resolved?: ResolvedModel): Promise<CalibrateResult>;
export async function runCalibrate<T>(options: CalibrateOptions, extra: ImageSink = {}, resolved?: ResolvedModel,
  finish?: (result: CalibrateResult) => T): Promise<T | CalibrateResult> {
  if (typeof options.labels !== 'string' || options.labels === '') throw new RangeError('--labels is required: calibration compares against label masks');
  const bins = checkBins('--bins', options.bins ?? DEFAULT_BINS);
  const capacity = checkInteger('--reservoir-size', options.reservoirSize ?? DEFAULT_RESERVOIR_SIZE, 1, 1 << 24);
  const fit = Boolean(options.fitTemperature || options.saveTemperature);
  if (options.shard && options.saveTemperature) throw new RangeError('--save-temperature with --shard: every shard would write its own fit into the card; fit on one run over every image');
  return await runReportImages({ ...options, out: options.out ?? DEFAULT_OUT.calibrate, resume: false }, (card) => new CalibrationSink(card, {
    ignoreIndex: options.ignoreIndex ?? card.ignoreIndex ?? null, bins, reservoir: fit ? { capacity, seed: options.seed ?? DEFAULT_SEED } : null,
  }, extra), resolved, (run) => {
    // the run is over: calibrate's own files, then the page with its section, under the run's lock (issue 25)
    const { summary, card, cardPath, out, sink } = run;
    const metrics = summarizeMetrics(sink.stats);
    const charts = writeCalibrationCharts(out, metrics, card);
    const fitted = sink.fitTemperature(summary.model.temperature);
    if (fitted && options.saveTemperature) saveTemperature(cardPath, fitted.combined);
    const calibration = calibrationReport(summary, {
      cardPath, bins, labels: path.resolve(options.labels), ignoreIndex: sink.stats.ignoreIndex, classes: card.classes.map((k) => k.name), metrics,
      temperature: fitted && { ...fitted, savedTo: options.saveTemperature ? cardPath : null }, charts, stats: sink.stats,
    });
    writeCalibrationReport(out, calibration);
    writeReportIndex(run, [calibrationSectionHtml(calibration, card)]);
    const result = { summary, calibration };
    return finish ? finish(result) : result as unknown as T;
  });
}
