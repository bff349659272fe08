/**
 * summarizeMetrics: every metric of a MetricStats as one JSON-ready object (fractions in 0..1,
 * NaN and infinities as null). Only reads the stats; plotting code takes its arrays as they are.
 */
import type { MetricStats, MetricSummary, PavpuPointSummary, UncertaintyKind, UncertaintyKindSummary } from './types';
import {
  adaptiveCalibrationError,
  brierScore,
  classwiseCalibrationError,
  expectedCalibrationError,
  maximumCalibrationError,
  negativeLogLikelihood,
  reliabilityDiagram,
} from './calibration';
import { perClassMeanUncertainty } from './class-uncertainty';
import { fixedSumValue } from './fixed-sum';
import { pavpuAtUncertainShare, pavpuSummary, type PavpuPoint } from './pavpu';
import { classAverageAccuracy, globalAccuracy, meanIoU, perClassAccuracy, perClassIoU, pixelFrequency } from './segmentation';
import {
  DEFAULT_FRACTIONS,
  DEFAULT_PERCENTILES,
  accuracyByUncertaintyPercentile,
  areaUnderSparsificationError,
  aurocTieBound,
  misclassificationAUPR,
  misclassificationAUROC,
  sparsificationCurve,
} from './uncertainty';

/** x, or null when it is NaN or infinite */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export interface SummaryOptions {
  /** [percentiles=DEFAULT_PERCENTILES] for accuracyByPercentile */
  readonly percentiles?: readonly number[];
  /** [fractions=DEFAULT_FRACTIONS] sparsification grid (also the AUSE grid) */
  readonly fractions?: readonly number[];
  /** fixed PAvPU threshold per kind; default: the balanced threshold (pavpuSummary) */
  readonly pavpuThresholds?: Partial<Record<UncertaintyKind, number>>;
}

function pointSummary(p: PavpuPoint): PavpuPointSummary {
  return {
    threshold: p.threshold,
    nAC: p.nAC,
    nAU: p.nAU,
    nIC: p.nIC,
    nIU: p.nIU,
    pavpu: finiteOrNull(p.pavpu),
    pAccurateGivenCertain: finiteOrNull(p.pAccurateGivenCertain),
    pUncertainGivenInaccurate: finiteOrNull(p.pUncertainGivenInaccurate),
  };
}

/** 1 - mean confidence over the labelled pixels: the error rate the model expects of itself (no label read) */
export function expectedErrorRate(stats: MetricStats): number {
  const c = stats.calibration;
  let n = 0;
  let sum = 0;
  for (let b = 0; b < c.bins; b++) {
    n += c.count[b];
    sum += fixedSumValue(c.sumConfidence, b);
  }
  return n === 0 ? NaN : 1 - sum / n;
}

function kindSummary(stats: MetricStats, kind: UncertaintyKind, options: SummaryOptions): UncertaintyKindSummary {
  const h = stats.uncertainty[kind];
  const fractions = options.fractions ?? DEFAULT_FRACTIONS;
  const curve = sparsificationCurve(h, fractions);
  const pavpu = pavpuSummary(stats.pavpu[kind], options.pavpuThresholds?.[kind]);
  const expected = expectedErrorRate(stats);
  const labelFree = pavpuAtUncertainShare(stats.pavpu[kind], Number.isFinite(expected) ? Math.min(1, Math.max(0, expected)) : 0);
  return {
    auroc: finiteOrNull(misclassificationAUROC(h)),
    aupr: finiteOrNull(misclassificationAUPR(h)),
    ause: finiteOrNull(areaUnderSparsificationError(h, fractions)),
    accuracyByPercentile: accuracyByUncertaintyPercentile(h, options.percentiles ?? DEFAULT_PERCENTILES).map((a) => ({
      percentile: a.percentile,
      accuracy: finiteOrNull(a.accuracy),
    })),
    sparsification: { fractions: curve.fractions, error: curve.error.map(finiteOrNull), oracle: curve.oracle.map(finiteOrNull) },
    aurocBinBound: finiteOrNull(aurocTieBound(h)),
    pavpu: { best: pointSummary(pavpu.best), fixed: pointSummary(pavpu.fixed), labelFree: pointSummary(labelFree) },
  };
}

export function summarizeMetrics(stats: MetricStats, options: SummaryOptions = {}): MetricSummary {
  const cm = stats.confusion;
  const iou = perClassIoU(cm);
  const accuracy = perClassAccuracy(cm);
  const frequency = pixelFrequency(cm);
  const entropy = perClassMeanUncertainty(stats.classUncertainty, 'entropy');
  const mi = perClassMeanUncertainty(stats.classUncertainty, 'mutualInformation');
  const variance = perClassMeanUncertainty(stats.classUncertainty, 'variance');
  let pixels = 0;
  for (let i = 0; i < cm.counts.length; i++) pixels += cm.counts[i];
  const d = reliabilityDiagram(stats.calibration);
  return {
    numClasses: stats.numClasses,
    images: stats.images,
    pixels,
    globalAccuracy: finiteOrNull(globalAccuracy(cm)),
    classAverageAccuracy: finiteOrNull(classAverageAccuracy(cm)),
    meanIoU: finiteOrNull(meanIoU(cm)),
    perClass: Array.from({ length: stats.numClasses }, (_, k) => ({
      index: k,
      iou: finiteOrNull(iou[k]),
      accuracy: finiteOrNull(accuracy[k]),
      frequency: finiteOrNull(frequency[k]),
      meanEntropy: finiteOrNull(entropy[k]),
      meanMutualInformation: finiteOrNull(mi[k]),
      meanVariance: finiteOrNull(variance[k]),
    })),
    calibration: {
      ece: finiteOrNull(expectedCalibrationError(stats.calibration)),
      mce: finiteOrNull(maximumCalibrationError(stats.calibration)),
      adaptiveEce: finiteOrNull(adaptiveCalibrationError(stats.calibration)),
      classwiseEce: finiteOrNull(classwiseCalibrationError(stats.calibration)),
      brier: finiteOrNull(brierScore(stats.calibration)),
      nll: finiteOrNull(negativeLogLikelihood(stats.calibration)),
      bins: {
        binLower: d.binLower,
        binUpper: d.binUpper,
        confidence: d.confidence.map(finiteOrNull),
        accuracy: d.accuracy.map(finiteOrNull),
        count: d.count,
        gap: d.gap.map(finiteOrNull),
      },
    },
    uncertainty: {
      entropy: kindSummary(stats, 'entropy', options),
      mutualInformation: kindSummary(stats, 'mutualInformation', options),
      variance: kindSummary(stats, 'variance', options),
    },
  };
}
