/**
 * MetricStats: every streamed statistic of the metrics layer in one aggregate. Memory depends
 * on numClasses and the bin counts, never on the number of images; `mergeMetricStats` is exact,
 * so a sharded run equals a single run; `metricStatsToJSON`/`metricStatsFromJSON` save and load.
 */
import { DEFAULT_BINS } from '../defaults';
import type { MetricImageInput, MetricStats, PavpuStats, UncertaintyHistogram, UncertaintyKind } from './types';
import { addToCalibration, calibrationStatsFromJSON, calibrationStatsToJSON, createCalibrationStats, mergeCalibrationStats, type CalibrationStatsJSON } from './calibration-stats';
import {
  addToClassUncertainty,
  classUncertaintyStatsFromJSON,
  classUncertaintyStatsToJSON,
  createClassUncertaintyStats,
  mergeClassUncertaintyStats,
  type ClassUncertaintyStatsJSON,
} from './class-uncertainty';
import { addToConfusion, confusionFromJSON, confusionToJSON, createConfusion, mergeConfusion, type ConfusionMatrixJSON } from './confusion';
import { addToPavpu, createPavpuStats, mergePavpuStats, pavpuStatsFromJSON, pavpuStatsToJSON, type PavpuStatsJSON } from './pavpu';
import {
  UNCERTAINTY_KINDS,
  addToUncertaintyHistogram,
  createUncertaintyHistogram,
  mergeUncertaintyHistograms,
  uncertaintyHistogramFromJSON,
  uncertaintyHistogramToJSON,
  type UncertaintyHistogramJSON,
} from './uncertainty-stats';
import { checkInteger } from '../validate';
import { checkArray, checkIgnoreIndex, checkNumClasses, checkObject, checkSame } from './validate';

export interface MetricStatsOptions {
  readonly numClasses: number;
  /** label value skipped everywhere (none by default) */
  readonly ignoreIndex?: number | null;
  /** [bins=DEFAULT_BINS] equal-width calibration bins */
  readonly bins?: number;
  /** [fineBins=1000] fine confidence histogram for adaptive ECE */
  readonly fineBins?: number;
  /** [mantissaBits=DEFAULT_MANTISSA_BITS] relative width 2^-mantissaBits of the uncertainty and PAvPU bins */
  readonly mantissaBits?: number;
  /** [patchSize=4] PAvPU patch side */
  readonly patchSize?: number;
}

function perKind<T>(make: (kind: UncertaintyKind) => T): Record<UncertaintyKind, T> {
  return { entropy: make('entropy'), mutualInformation: make('mutualInformation'), variance: make('variance') };
}

export function createMetricStats(options: MetricStatsOptions): MetricStats {
  checkObject('options', options);
  const numClasses = checkNumClasses(options.numClasses);
  const ignore = checkIgnoreIndex(options.ignoreIndex);
  const { bins = DEFAULT_BINS, fineBins = 1000, mantissaBits, patchSize = 4 } = options;
  return {
    numClasses,
    ignoreIndex: ignore < 0 ? null : ignore,
    images: 0,
    confusion: createConfusion(numClasses),
    calibration: createCalibrationStats(numClasses, { bins, fineBins }),
    uncertainty: perKind((kind) => createUncertaintyHistogram(kind, numClasses, { mantissaBits })),
    pavpu: perKind((kind) => createPavpuStats(kind, numClasses, { patchSize, mantissaBits })),
    classUncertainty: createClassUncertaintyStats(numClasses),
  };
}

/**
 * Adds one image in place. All arrays are flat over the same width * height pixels at label
 * resolution; `probs` is optional and class-major [C, N].
 */
export function addImage(stats: MetricStats, input: MetricImageInput): MetricStats {
  checkObject('input', input);
  const width = checkInteger('input.width', input.width, 1, 1 << 20);
  const height = checkInteger('input.height', input.height, 1, 1 << 20);
  const n = width * height;
  const labels = checkArray('input.labels', input.labels, Uint8Array, n);
  const predicted = checkArray('input.predicted', input.predicted, Uint8Array, n);
  checkObject('input.uncertainties', input.uncertainties);
  const ignore = stats.ignoreIndex;
  addToConfusion(stats.confusion, labels, predicted, ignore);
  addToCalibration(stats.calibration, input, ignore);
  for (const kind of UNCERTAINTY_KINDS) {
    const values = input.uncertainties[kind];
    addToUncertaintyHistogram(stats.uncertainty[kind], labels, predicted, values, ignore);
    addToPavpu(stats.pavpu[kind], labels, predicted, values, width, height, ignore);
  }
  addToClassUncertainty(stats.classUncertainty, labels, input.uncertainties, ignore);
  stats.images += 1;
  return stats;
}

/** a + b (new stats), exact; both must come from the same options. */
export function mergeMetricStats(a: MetricStats, b: MetricStats): MetricStats {
  checkSame('numClasses', a.numClasses, b.numClasses);
  checkSame('ignoreIndex', a.ignoreIndex, b.ignoreIndex);
  return {
    numClasses: a.numClasses,
    ignoreIndex: a.ignoreIndex,
    images: a.images + b.images,
    confusion: mergeConfusion(a.confusion, b.confusion),
    calibration: mergeCalibrationStats(a.calibration, b.calibration),
    uncertainty: perKind((kind) => mergeUncertaintyHistograms(a.uncertainty[kind], b.uncertainty[kind])),
    pavpu: perKind((kind) => mergePavpuStats(a.pavpu[kind], b.pavpu[kind])),
    classUncertainty: mergeClassUncertaintyStats(a.classUncertainty, b.classUncertainty),
  };
}

export interface MetricStatsJSON {
  readonly numClasses: number;
  readonly ignoreIndex: number | null;
  readonly images: number;
  readonly confusion: ConfusionMatrixJSON;
  readonly calibration: CalibrationStatsJSON;
  readonly uncertainty: Record<UncertaintyKind, UncertaintyHistogramJSON>;
  readonly pavpu: Record<UncertaintyKind, PavpuStatsJSON>;
  readonly classUncertainty: ClassUncertaintyStatsJSON;
}

export function metricStatsToJSON(s: MetricStats): MetricStatsJSON {
  return {
    numClasses: s.numClasses,
    ignoreIndex: s.ignoreIndex,
    images: s.images,
    confusion: confusionToJSON(s.confusion),
    calibration: calibrationStatsToJSON(s.calibration),
    uncertainty: perKind((kind) => uncertaintyHistogramToJSON(s.uncertainty[kind])),
    pavpu: perKind((kind) => pavpuStatsToJSON(s.pavpu[kind])),
    classUncertainty: classUncertaintyStatsToJSON(s.classUncertainty),
  };
}

function kindMatches<T extends UncertaintyHistogram | PavpuStats>(value: T, kind: UncertaintyKind, numClasses: number): T {
  checkSame('kind', value.kind, kind);
  checkSame('numClasses', value.numClasses, numClasses);
  return value;
}

export function metricStatsFromJSON(value: unknown): MetricStats {
  const o = checkObject('metric stats', value);
  const numClasses = checkNumClasses(o.numClasses);
  const ignore = checkIgnoreIndex(o.ignoreIndex);
  const uncertainty = checkObject('uncertainty', o.uncertainty);
  const pavpu = checkObject('pavpu', o.pavpu);
  const stats: MetricStats = {
    numClasses,
    ignoreIndex: ignore < 0 ? null : ignore,
    images: checkInteger('images', o.images, 0, Number.MAX_SAFE_INTEGER),
    confusion: confusionFromJSON(o.confusion),
    calibration: calibrationStatsFromJSON(o.calibration),
    uncertainty: perKind((kind) => kindMatches(uncertaintyHistogramFromJSON(uncertainty[kind]), kind, numClasses)),
    pavpu: perKind((kind) => kindMatches(pavpuStatsFromJSON(pavpu[kind]), kind, numClasses)),
    classUncertainty: classUncertaintyStatsFromJSON(o.classUncertainty),
  };
  checkSame('numClasses', stats.confusion.numClasses, numClasses);
  checkSame('numClasses', stats.calibration.numClasses, numClasses);
  checkSame('numClasses', stats.classUncertainty.numClasses, numClasses);
  return stats;
}
