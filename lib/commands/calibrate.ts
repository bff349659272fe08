/**
 * `segnet-uq calibrate`: the report (maps, table, summary.json) plus how trustworthy the
 * confidence and uncertainty are against labels: streamed MetricStats at label resolution,
 * OUT/calibration.json (every metric, the reliability bins and the mergeable statistics), chart
 * PNGs and a calibration section in OUT/index.html. With --fit-temperature, a softmax temperature
 * is fitted on a bounded reservoir of labelled pixels and ECE/NLL are reported before and after.
 */
import * as path from 'path';
import type { MetricStats, PixelReservoir } from '../metrics/types';
import type { ModelCard } from '../model/types';
import { expectedCalibrationError, negativeLogLikelihood } from '../metrics/calibration';
import { addToCalibration, createCalibrationStats } from '../metrics/calibration-stats';
import { addImage, createMetricStats, metricStatsToJSON } from '../metrics/metric-stats';
import { addToReservoir, createPixelReservoir, reservoirSample } from '../metrics/reservoir';
import { finiteOrNull, summarizeMetrics } from '../metrics/summary';
import { applyTemperature, fitTemperature } from '../metrics/temperature';
import { calibrationSectionHtml } from '../report/calibration-html';
import { writeCalibrationCharts, writeCalibrationReport } from '../report/calibration-files';
import { fileHeader } from '../report/file-header';
import { CALIBRATION_SCHEMA_VERSION, type CalibrationReport, type TemperatureResult } from '../report/formats';
import { saveTemperature } from '../model/card';
import type { ReportSummary } from '../report/summary';
import { metricInput } from './labels';
import { checkInteger } from './options';
import { runReportWith, type ReportHooks, type ReportOptions } from './report';

export interface CalibrateOptions extends Omit<ReportOptions, 'resume' | 'labels'> {
  /** folder of label PNGs named like the images (required) */
  readonly labels: string;
  /** [15] equal-width confidence bins (ECE, MCE, reliability diagram) */
  readonly bins?: number;
  /** [false] fit a softmax temperature on the labelled pixels */
  readonly fitTemperature?: boolean;
  /** [false] write the fitted temperature into the model card (implies fitTemperature) */
  readonly saveTemperature?: boolean;
  /** [200000] pixels held for the temperature fit (a seeded uniform sample of all labelled pixels) */
  readonly reservoirSize?: number;
}

export interface CalibrateResult {
  readonly summary: ReportSummary;
  readonly calibration: CalibrationReport;
}

/** ECE and NLL of a pixel sample (class-major probs [C, M]) as the streamed stats compute them. */
function sampleCalibration(probs: Float32Array, labels: Uint8Array, numClasses: number, bins: number): { ece: number | null; nll: number | null } {
  const m = labels.length;
  const predicted = new Uint8Array(m);
  const confidence = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    let best = -1, arg = 0;
    for (let k = 0; k < numClasses; k++) {
      const p = probs[k * m + j];
      if (p > best) { best = p; arg = k; }
    }
    predicted[j] = arg;
    confidence[j] = best;
  }
  const stats = addToCalibration(createCalibrationStats(numClasses, { bins }), { labels, predicted, confidence, probs });
  return { ece: finiteOrNull(expectedCalibrationError(stats)), nll: finiteOrNull(negativeLogLikelihood(stats)) };
}

function fitOnReservoir(reservoir: PixelReservoir, numClasses: number, bins: number, previous: number): Omit<TemperatureResult, 'savedTo'> {
  const sample = reservoirSample(reservoir);
  const fit = fitTemperature(sample, { numClasses });
  const before = sampleCalibration(sample.probs, sample.labels, numClasses, bins);
  const after = sampleCalibration(applyTemperature(sample.probs, numClasses, fit.temperature), sample.labels, numClasses, bins);
  return {
    fitted: fit.temperature, previous, combined: previous * fit.temperature, pixels: fit.pixels,
    eceBefore: before.ece, eceAfter: after.ece, nllBefore: finiteOrNull(fit.nllAtOne), nllAfter: finiteOrNull(fit.nll),
  };
}

/** extra.onLabelled: more work per labelled image, after the calibration's own (audit's slices and worst images). */
export async function runCalibrate(options: CalibrateOptions, extra: Pick<ReportHooks, 'onLabelled'> = {}): Promise<CalibrateResult> {
  if (typeof options.labels !== 'string' || options.labels === '') throw new RangeError('--labels is required: calibration compares against label masks');
  const bins = checkInteger('--bins', options.bins ?? 15, 1, 1000);
  const capacity = checkInteger('--reservoir-size', options.reservoirSize ?? 200_000, 1, 1 << 24);
  const fit = Boolean(options.fitTemperature || options.saveTemperature);
  if (options.shard && options.saveTemperature) throw new RangeError('--save-temperature with --shard: every shard would write its own fit into the card; fit on one run over every image');
  const out = path.resolve(options.out ?? path.join('reports', 'latest'));
  let stats: MetricStats | null = null;
  let reservoir: PixelReservoir | null = null;
  let card: ModelCard | null = null;
  let cardPath = '';
  let ignore: number | null = null;
  let calibration: CalibrationReport | null = null;
  const summary = await runReportWith({ ...options, resume: false }, {
    onStart: (ctx) => {
      card = ctx.card;
      cardPath = ctx.cardPath;
      ignore = ctx.ignoreIndex ?? null;
      stats = createMetricStats({ numClasses: ctx.card.classes.length, ignoreIndex: ignore, bins });
      if (fit) reservoir = createPixelReservoir({ numClasses: ctx.card.classes.length, capacity, seed: options.seed ?? 0 });
    },
    onLabelled: (image) => {
      const { input } = metricInput(image.maps, image.label);
      addImage(stats as MetricStats, input);
      if (reservoir) addToReservoir(reservoir, image.maps.meanProbs, image.label.data, ignore);
      extra.onLabelled?.(image);
    },
    sections: (s) => {
      const c = card as ModelCard;
      const metrics = summarizeMetrics(stats as MetricStats);
      const charts = writeCalibrationCharts(out, metrics, c);
      const previous = s.model.temperature;
      let temperature: TemperatureResult | null = null;
      if (reservoir && (reservoir as PixelReservoir).size > 0) {
        const t = fitOnReservoir(reservoir, c.classes.length, bins, previous);
        if (options.saveTemperature) saveTemperature(cardPath, t.combined);
        temperature = { ...t, savedTo: options.saveTemperature ? cardPath : null };
      }
      calibration = {
        ...fileHeader(CALIBRATION_SCHEMA_VERSION),
        model: { path: s.model.path, card: cardPath, name: s.model.name, temperature: previous },
        samples: s.samples, seed: s.seed, bins, labels: path.resolve(options.labels), ignoreIndex: ignore,
        classes: c.classes.map((k) => k.name),
        metrics, temperature, charts, stats: metricStatsToJSON(stats as MetricStats), errors: s.errors,
      };
      writeCalibrationReport(out, calibration);
      return [calibrationSectionHtml(calibration, c)];
    },
  });
  return { summary, calibration: calibration as unknown as CalibrationReport };
}
