/**
 * The JSON files the commands write besides summary.json (lib/report/summary.ts): calibration.json
 * (calibrate, merge), samples.json (samples) and audit.json (audit; lib/audit makes it). Bump a
 * schema version on a breaking change to its file.
 */
import type { MetricStatsJSON } from '../metrics/metric-stats';
import type { TemperatureCheck } from '../metrics/temperature-check';
import type { MetricSummary } from '../metrics/types';
import type { FileHeader } from './file-header';
import type { AutoSamples } from '../engine/convergence';
import type { ReportError, SamplesSetting } from './summary';

/** 2: log-spaced uncertainty and PAvPU bins (lib/metrics/log-bins.ts), sparse in the JSON */
export const CALIBRATION_SCHEMA_VERSION = 2;
export const SAMPLES_SCHEMA_VERSION = 1;
/** 2: gates, the run's identity, metrics, images and slices (a version 1 file held checks only) */
export const AUDIT_SCHEMA_VERSION = 2;

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

/** audit.json's `kind`: what tells it from a calibration.json given as --baseline */
export const AUDIT_KIND = 'segnet-uq audit';

export type GateKind = 'min' | 'max' | 'max-drop' | 'max-rise' | 'max-slice-gap';
export type Severity = 'fail' | 'warn';

/** One gate as audit.json records it. */
export interface GateResult {
  /** e.g. "mIoU drop <= 0.01 vs baseline" */
  readonly name: string;
  readonly metric: string;
  readonly label: string;
  readonly kind: GateKind;
  readonly severity: Severity;
  /** min / max: the bound; max-slice-gap: the largest allowed gap; null for allowed changes */
  readonly threshold: number | null;
  /** max-drop / max-rise: the change allowed; null otherwise */
  readonly allowedChange: { readonly value: number; readonly relative: boolean } | null;
  /** the metric on this run (max-slice-gap: on its worst slice); null when undefined */
  readonly measured: number | null;
  /** allowed changes: the baseline run's value; max-slice-gap: the whole set's value */
  readonly baseline: number | null;
  /** measured - baseline (the gap as a negative number for max-slice-gap when higher is better) */
  readonly change: number | null;
  /** max-slice-gap: the worst slice's name */
  readonly slice?: string;
  readonly passed: boolean;
  readonly message: string;
}

/** What makes two runs comparable. */
export interface RunIdentity {
  /** the model card's name */
  readonly card: string;
  readonly classes: readonly string[];
  readonly ignoreIndex: number | null;
  readonly samples: SamplesSetting;
}

/** One image of a run, as far as a comparison reads it. */
export interface ImageRecord {
  /** the file's base name: runs made from two checkouts compare by name */
  readonly name: string;
  readonly sha256: string | null;
  readonly meanIoU: number | null;
  readonly meanEntropy: number | null;
}

/** A slice's metrics as audit.json records them (lib/audit/slices.ts). */
export interface SliceRecord {
  readonly property: string;
  readonly name: string;
  readonly images: number;
  readonly values: Readonly<Record<string, number | null>>;
}

/** Images in one run and not the other, by name; changed: same name, other bytes. */
export interface ImageSetComparison {
  readonly onlyBaseline: readonly string[];
  readonly onlyCurrent: readonly string[];
  readonly changed: readonly string[];
}

export const WORST_LISTS = ['lowestIoU', 'mostUncertain', 'confidentButWrong', 'changedVsBaseline'] as const;
export type WorstList = (typeof WORST_LISTS)[number];

/** One entry of a worst-images list as audit.json records it. */
export interface WorstEntry {
  readonly file: string;
  /** the value the list ranks by */
  readonly value: number;
  readonly meanIoU: number | null;
  readonly meanEntropy: number;
  readonly confidentWrong: number;
  /** changedVsBaseline: the baseline's IoU of the image */
  readonly baselineIoU?: number | null;
  /** the overlay thumbnail's file relative to the output folder (absent in --single-file pages) */
  thumbnail?: string;
}

/** One slice's values on this run and on the baseline. */
export interface SliceDrift {
  readonly slice: string;
  readonly images: number;
  readonly meanIoU: number | null;
  readonly baselineMeanIoU: number | null;
  readonly meanEntropy: number | null;
  readonly baselineMeanEntropy: number | null;
  readonly meanMutualInformation: number | null;
  readonly baselineMeanMutualInformation: number | null;
}

/**
 * OUT/audit.json (schema version 2): the gates and everything a later audit needs to use this
 * one as its --baseline (the run's identity, every metric, the mean sampling time, the images by
 * name, the slices), plus the worst images. Version 1 files (checks only) cannot be a baseline.
 */
export interface AuditResult extends FileHeader {
  readonly kind: typeof AUDIT_KIND;
  /** every fail gate holds (and every warn gate, with failOnWarn) and every input was scored */
  readonly passed: boolean;
  readonly failOnWarn: boolean;
  readonly gates: readonly GateResult[];
  /** images or labels that could not be scored: the audit cannot vouch for the set (exit 2) */
  readonly inputErrors: readonly ReportError[];
  /** baseline differences worth knowing (the image set), and other notes */
  readonly warnings: readonly string[];
  readonly images: number;
  readonly labelledImages: number;
  readonly run: RunIdentity;
  readonly metrics: MetricSummary;
  /** mean sampling milliseconds per image; null for audit --from */
  readonly msPerImage: number | null;
  /** the cost of the run: samples per image, summed sampling time */
  readonly cost: { readonly samples: SamplesSetting; readonly totalMs: number | null; readonly msPerImage: number | null };
  readonly baseline: { readonly file: string; readonly kind: string; readonly imageSet: ImageSetComparison | null; readonly metrics: MetricSummary } | null;
  readonly worstImages: Partial<Record<WorstList, WorstEntry[]>>;
  readonly slices: readonly SliceRecord[];
  /** per slice, this run's and the baseline's values (with a baseline audit that recorded slices) */
  readonly sliceDrift: readonly SliceDrift[];
  /** the images by name (what a later audit compares its image set and per-image IoU with) */
  readonly imageRecords: readonly ImageRecord[];
  /** audit --anomaly-labels: anomaly.json's scores, per anomaly score (entropy, mutualInformation, ...) */
  readonly anomaly?: AnomalyScores;
}

/** What an audit keeps of anomaly.json's scores (lib/anomaly/report-file.ts has them in full). */
export type AnomalyScores = Readonly<Record<string, {
  readonly pixel: { readonly ap: number | null; readonly auroc: number | null; readonly fpr95: number | null };
  readonly component: { readonly sIoU: number | null; readonly ppv: number | null; readonly meanF1: number | null };
}>>;
