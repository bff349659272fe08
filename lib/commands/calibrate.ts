/**
 * `segnet-uq calibrate`: the report (maps, table, summary.json) plus how trustworthy the
 * confidence and uncertainty are against labels: streamed MetricStats at label resolution,
 * OUT/calibration.json (every metric, the reliability bins and the mergeable statistics), chart
 * PNGs and a calibration section in OUT/index.html. With --fit-temperature, a softmax temperature
 * is fitted on a bounded reservoir of labelled pixels and ECE/NLL are reported before and after.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import type { MetricStats, MetricSummary, ModelCard, PixelReservoir } from '../types';
import { expectedCalibrationError, negativeLogLikelihood } from '../metrics/calibration';
import { addToCalibration, createCalibrationStats } from '../metrics/calibration-stats';
import { addImage, createMetricStats, metricStatsFromJSON, metricStatsToJSON, type MetricStatsJSON } from '../metrics/metric-stats';
import { addToReservoir, createPixelReservoir, reservoirSample } from '../metrics/reservoir';
import { finiteOrNull, summarizeMetrics } from '../metrics/summary';
import { applyTemperature, fitTemperature } from '../metrics/temperature';
import { insideOutput, writeFileAtomic } from '../report/atomic';
import { calibrationSectionHtml } from '../report/calibration-html';
import {
  accuracyVsUncertaintyPercentile,
  confidenceHistogram,
  perClassUncertaintyVsIoU,
  reliabilityDiagram,
  sparsificationCurves,
} from '../report/charts';
import type { ReportSummary, SamplesSetting } from '../report/summary';
import { describeFsError } from './inputs';
import { metricInput } from './labels';
import { checkInteger, TOOL_VERSION } from './options';
import { runReportWith, type ReportHooks, type ReportOptions } from './report';

/** 2: log-spaced uncertainty and PAvPU bins (lib/metrics/log-bins.ts), sparse in the JSON */
export const CALIBRATION_SCHEMA_VERSION = 2;

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

export interface TemperatureResult {
  /** the fitted factor on the probabilities this run produced */
  readonly fitted: number;
  /** the card's temperature this run sampled with (1 when none) */
  readonly previous: number;
  /** previous * fitted: what --save-temperature writes (softmax(log softmax(z/a)/b) = softmax(z/(ab))) */
  readonly combined: number;
  readonly pixels: number;
  readonly eceBefore: number | null;
  readonly eceAfter: number | null;
  readonly nllBefore: number | null;
  readonly nllAfter: number | null;
  /** the card file written, when --save-temperature */
  readonly savedTo: string | null;
}

export interface CalibrationCharts {
  readonly reliability: string;
  readonly confidence: string;
  readonly percentile: string;
  readonly sparsification: string;
  readonly perClass: string;
}

/** OUT/calibration.json */
export interface CalibrationReport {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
  readonly model: { readonly path: string; readonly card: string; readonly name: string; readonly temperature: number };
  readonly samples: SamplesSetting;
  readonly seed: number;
  readonly bins: number;
  readonly labels: string;
  readonly ignoreIndex: number | null;
  readonly classes: readonly string[];
  /** every metric, streamed over the labelled images at label resolution */
  readonly metrics: MetricSummary;
  readonly temperature: TemperatureResult | null;
  /** chart PNGs, relative to the output folder */
  readonly charts: CalibrationCharts;
  /** the sufficient statistics: merge two runs with mergeMetricStats(metricStatsFromJSON(a), ...) */
  readonly stats: MetricStatsJSON;
  /** the report's errors (images or labels that failed) */
  readonly errors: ReportSummary['errors'];
  /** `segnet-uq merge` only: the calibration.json files merged into this one */
  readonly mergedFrom?: readonly string[];
}

export interface CalibrateResult {
  readonly summary: ReportSummary;
  readonly calibration: CalibrationReport;
}

const CHARTS: CalibrationCharts = {
  reliability: 'charts/reliability.png', confidence: 'charts/confidence-histogram.png', percentile: 'charts/accuracy-by-percentile.png',
  sparsification: 'charts/sparsification.png', perClass: 'charts/class-uncertainty-vs-iou.png',
};

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

/** Reads a calibration.json (or the one in a folder) and its statistics; errors name the file. */
export function readCalibrationReport(input: string): { file: string; report: CalibrationReport; stats: MetricStats } {
  const file = input.endsWith('.json') ? input : path.join(input, 'calibration.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`${file}: ${e instanceof SyntaxError ? `not JSON (${e.message})` : e.code === 'ENOENT' ? 'no such file' : describeFsError(err)}`);
  }
  const report = raw as CalibrationReport;
  if (report?.schemaVersion === 1) throw new Error(`${file}: made by an older segnet-uq (schema version 1, equal-width uncertainty bins that cannot merge with log-spaced ones); run calibrate again`);
  if (typeof raw !== 'object' || raw === null || report.schemaVersion !== CALIBRATION_SCHEMA_VERSION || !report.stats) {
    throw new Error(`${file}: not a segnet-uq calibration.json (schema version ${CALIBRATION_SCHEMA_VERSION} with stats)`);
  }
  try {
    return { file, report, stats: metricStatsFromJSON(report.stats) };
  } catch (err) {
    throw new Error(`${file}: its stats are damaged (${(err as Error).message})`);
  }
}

/** Writes `temperature` into the card JSON (atomically), keeping every other field as it is. */
export function saveTemperature(cardPath: string, temperature: number): void {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`temperature must be a positive number, got ${temperature}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(cardPath, 'utf8'));
  } catch (err) {
    throw new Error(`${cardPath}: cannot read the model card to save the temperature (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${cardPath}: model card must be a JSON object`);
  writeFileAtomic(cardPath, JSON.stringify({ ...(raw as Record<string, unknown>), temperature }, null, 2) + '\n');
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

/** extra.onLabelled: more work per labelled image, after the calibration's own (audit's slices and worst images). */
export async function runCalibrate(options: CalibrateOptions, extra: Pick<ReportHooks, 'onLabelled'> = {}): Promise<CalibrateResult> {
  if (typeof options.labels !== 'string' || options.labels === '') throw new RangeError('--labels is required: calibration compares against label masks');
  const bins = checkInteger('--bins', options.bins ?? 15, 1, 1000);
  const capacity = checkInteger('--reservoir-size', options.reservoirSize ?? 200_000, 1, 1 << 24);
  const fit = Boolean(options.fitTemperature || options.saveTemperature);
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
        schemaVersion: CALIBRATION_SCHEMA_VERSION,
        tool: { name: 'segnet-uq', version: TOOL_VERSION },
        createdAt: new Date().toISOString(),
        model: { path: s.model.path, card: cardPath, name: s.model.name, temperature: previous },
        samples: s.samples, seed: s.seed, bins, labels: path.resolve(options.labels), ignoreIndex: ignore,
        classes: c.classes.map((k) => k.name),
        metrics, temperature, charts, stats: metricStatsToJSON(stats as MetricStats), errors: s.errors,
      };
      writeFileAtomic(insideOutput(out, 'calibration.json'), JSON.stringify(calibration, null, 2) + '\n');
      return [calibrationSectionHtml(calibration, c)];
    },
  });
  return { summary, calibration: calibration as unknown as CalibrationReport };
}
