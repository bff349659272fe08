/**
 * The JSON files the commands write besides summary.json (lib/report/summary.ts): calibration.json
 * (calibrate, merge), samples.json (samples) and audit.json (audit). Bump a schema version on a
 * breaking change to its file.
 */
import type { MetricStatsJSON } from '../metrics/metric-stats';
import type { TemperatureCheck } from '../metrics/temperature-check';
import type { MetricSummary, UncertaintyKind } from '../metrics/types';
import type { FileHeader } from './file-header';
import type { AutoSamples } from '../engine/convergence';
import type { ReportError, SamplesSetting } from './summary';

/** 2: log-spaced uncertainty and PAvPU bins (lib/metrics/log-bins.ts), sparse in the JSON */
export const CALIBRATION_SCHEMA_VERSION = 2;
export const SAMPLES_SCHEMA_VERSION = 1;
export const AUDIT_SCHEMA_VERSION = 1;

// calibration.json

/** The fit's check (lib/metrics/temperature-check.ts) and where it was saved. */
export interface TemperatureResult extends TemperatureCheck {
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
export interface CalibrationReport extends FileHeader {
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
  readonly errors: readonly ReportError[];
  /** `segnet-uq merge` only: the calibration.json files merged into this one */
  readonly mergedFrom?: readonly string[];
}

// samples.json

/** One sample count, over every image that sampled (label metrics: over the labelled ones). */
export interface SampleCountRow {
  readonly samples: number;
  readonly meanIoU: number | null;
  readonly globalAccuracy: number | null;
  readonly ece: number | null;
  /** mean over pixels (model resolution) of H[E p], nats */
  readonly meanEntropy: number | null;
  /** mean over pixels (model resolution) of the mutual information, nats */
  readonly meanMutualInformation: number | null;
  /** share of pixels (model resolution) whose argmax equals the largest count's */
  readonly agreement: number | null;
  /** mean per image of the sampling time (prefix + chunks) to reach this count */
  readonly msPerImage: number | null;
}

/** samples --samples auto: the rule decides N per image; `samples` is then the mean N */
export interface SamplesAutoRow extends SampleCountRow {
  readonly settings: AutoSamples;
  readonly meanSamples: number;
  /** N the rule chose, per image in the order processed */
  readonly perImage: readonly { readonly file: string; readonly samples: number }[];
}

export interface SamplesResult extends FileHeader {
  readonly model: { readonly path: string; readonly name: string; readonly deterministic: boolean };
  readonly counts: readonly number[];
  readonly seed: number;
  readonly batch: number;
  readonly device: string;
  readonly images: number;
  readonly labelledImages: number;
  readonly rows: readonly SampleCountRow[];
  /** with --samples auto: the auto row, from the same samples as the fixed rows */
  readonly auto?: SamplesAutoRow;
  readonly errors: readonly ReportError[];
  readonly warnings: readonly string[];
  /** relative to the output folder, when one was given */
  readonly charts?: { readonly quality: string; readonly uncertainty: string };
}

// audit.json

export interface AuditCheck {
  /** e.g. "mIoU >= 0.5" */
  readonly name: string;
  readonly key: string;
  readonly comparison: '>=' | '<=';
  readonly threshold: number;
  /** null when the metric is undefined (no labelled pixel of the class, ...): the check fails */
  readonly measured: number | null;
  readonly passed: boolean;
  readonly message: string;
}

export interface AuditResult extends FileHeader {
  readonly passed: boolean;
  readonly checks: readonly AuditCheck[];
  /** images or labels that could not be scored: the audit cannot vouch for the set (exit 2) */
  readonly inputErrors: readonly { readonly file: string; readonly message: string }[];
  readonly images: number;
  readonly labelledImages: number;
  readonly pavpuKind: UncertaintyKind;
}
