/**
 * `segnet-uq calibrate`: the report (maps, table, summary.json) plus how trustworthy the
 * confidence and uncertainty are against labels: streamed MetricStats at label resolution,
 * OUT/calibration.json (every metric, the reliability bins and the mergeable statistics), chart
 * PNGs and a calibration section in OUT/index.html. With --fit-temperature, a softmax temperature
 * is fitted on a bounded reservoir of labelled pixels and ECE/NLL are reported before and after.
 */
import * as path from 'path';
import { DEFAULT_BINS, DEFAULT_OUT, DEFAULT_RESERVOIR_SIZE, DEFAULT_SEED } from '../defaults';
import type { MetricStats, PixelReservoir } from '../metrics/types';
import { addImage, createMetricStats, metricStatsToJSON } from '../metrics/metric-stats';
import { addToReservoir, createPixelReservoir } from '../metrics/reservoir';
import { summarizeMetrics } from '../metrics/summary';
import { checkTemperatureFit } from '../metrics/temperature-check';
import { calibrationSectionHtml } from '../report/calibration-html';
import { writeCalibrationCharts, writeCalibrationReport } from '../report/calibration-files';
import { fileHeader } from '../report/file-header';
import { CALIBRATION_SCHEMA_VERSION, type CalibrationReport, type TemperatureResult } from '../report/formats';
import { saveTemperature } from '../model/card';
import type { ResolvedModel } from '../model/types';
import type { ReportSummary } from '../report/summary';
import { checkInteger } from '../validate';
import { runReportImages, writeReportIndex, type ImageSink, type ReportOptions } from './report';

export interface CalibrateOptions extends Omit<ReportOptions, 'resume' | 'labels'> {
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
export async function runCalibrate(options: CalibrateOptions, extra: ImageSink = {}, resolved?: ResolvedModel): Promise<CalibrateResult> {
  if (typeof options.labels !== 'string' || options.labels === '') throw new RangeError('--labels is required: calibration compares against label masks');
  const bins = checkInteger('--bins', options.bins ?? DEFAULT_BINS, 1, 1000);
  const capacity = checkInteger('--reservoir-size', options.reservoirSize ?? DEFAULT_RESERVOIR_SIZE, 1, 1 << 24);
  const fit = Boolean(options.fitTemperature || options.saveTemperature);
  if (options.shard && options.saveTemperature) throw new RangeError('--save-temperature with --shard: every shard would write its own fit into the card; fit on one run over every image');
  let stats: MetricStats | null = null;
  let reservoir: PixelReservoir | null = null;
  const run = await runReportImages({ ...options, out: options.out ?? DEFAULT_OUT.calibrate, resume: false }, {
    labelled: (image) => {
      const numClasses = image.confusion.numClasses;
      stats ??= createMetricStats({ numClasses, ignoreIndex: image.ignoreIndex, bins });
      if (fit) reservoir ??= createPixelReservoir({ numClasses, capacity, seed: options.seed ?? DEFAULT_SEED });
      addImage(stats, image.input);
      if (reservoir) addToReservoir(reservoir, image.maps.meanProbs, image.label.data, image.ignoreIndex);
      extra.labelled?.(image);
    },
  }, resolved);
  // the run is over: calibrate's own files, then the page with its section
  const { summary: s, card, cardPath, out } = run;
  const ignore = options.ignoreIndex ?? card.ignoreIndex ?? null;
  const all = stats ?? createMetricStats({ numClasses: card.classes.length, ignoreIndex: ignore, bins });
  const metrics = summarizeMetrics(all);
  const charts = writeCalibrationCharts(out, metrics, card);
  const previous = s.model.temperature;
  let temperature: TemperatureResult | null = null;
  const held = reservoir as PixelReservoir | null;
  if (held && held.size > 0) {
    const t = checkTemperatureFit(held, { numClasses: card.classes.length, bins, previous });
    if (options.saveTemperature) saveTemperature(cardPath, t.combined);
    temperature = { ...t, savedTo: options.saveTemperature ? cardPath : null };
  }
  const calibration: CalibrationReport = {
    ...fileHeader(CALIBRATION_SCHEMA_VERSION),
    model: { path: s.model.path, card: cardPath, name: s.model.name, temperature: previous },
    samples: s.samples, seed: s.seed, bins, labels: path.resolve(options.labels), ignoreIndex: ignore,
    classes: card.classes.map((k) => k.name),
    metrics, temperature, charts, stats: metricStatsToJSON(all), errors: s.errors,
  };
  writeCalibrationReport(out, calibration);
  writeReportIndex(run, [calibrationSectionHtml(calibration, card)]);
  return { summary: s, calibration };
}
