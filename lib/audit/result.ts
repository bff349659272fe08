/**
 * OUT/audit.json (schema version 2): the gates and everything a later audit needs to use this
 * one as its --baseline (the run's identity, every metric, the mean sampling time, the images by
 * name, the slices), plus the worst images. Version 1 files (checks only) cannot be a baseline.
 */
import type { MetricSummary } from '../metrics/types';
import { fileHeader } from '../report/file-header';
import type { CalibrationReport } from '../report/formats';
import type { ReportError, SamplesSetting } from '../report/summary';
import { AUDIT_KIND, compareWithBaseline, identityOfCalibration, type Baseline, type BaselineComparison, type ImageRecord, type RunIdentity, type SliceRecord } from './baseline';
import { evaluateGate, gatesPass, resolveGates, type GateResult, type GateSpec } from './gates';
import type { MeasuredRun } from './metrics';
import { sliceKey } from './slices';
import type { WorstEntry, WorstList } from './worst-images';

export const AUDIT_SCHEMA_VERSION = 2;

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

export interface AuditResult {
  readonly kind: typeof AUDIT_KIND;
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
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
  readonly baseline: { readonly file: string; readonly kind: string; readonly imageSet: BaselineComparison['imageSet']; readonly metrics: MetricSummary } | null;
  readonly worstImages: Partial<Record<WorstList, WorstEntry[]>>;
  readonly slices: readonly SliceRecord[];
  /** per slice, this run's and the baseline's values (with a baseline audit that recorded slices) */
  readonly sliceDrift: readonly SliceDrift[];
  /** the images by name (what a later audit compares its image set and per-image IoU with) */
  readonly imageRecords: readonly ImageRecord[];
}

/** This run's and the baseline's values per slice, matched by property and tercile or group. */
export function sliceDrift(current: readonly SliceRecord[], baseline: readonly SliceRecord[] | null): SliceDrift[] {
  if (!baseline) return [];
  const before = new Map(baseline.map((s) => [sliceKey(s), s]));
  return current.map((s) => {
    const b = before.get(sliceKey(s));
    const v = (r: SliceRecord | undefined, k: string): number | null => r?.values[k] ?? null;
    return {
      slice: s.name, images: s.images, meanIoU: v(s, 'meanIoU'), baselineMeanIoU: v(b, 'meanIoU'),
      meanEntropy: v(s, 'meanEntropy'), baselineMeanEntropy: v(b, 'meanEntropy'),
      meanMutualInformation: v(s, 'meanMutualInformation'), baselineMeanMutualInformation: v(b, 'meanMutualInformation'),
    };
  });
}

/** 0 every fail gate holds, 1 one is broken, 2 an input could not be scored or nothing was labelled. */
export function auditExitCode(result: Pick<AuditResult, 'inputErrors' | 'labelledImages' | 'gates' | 'failOnWarn'>): 0 | 1 | 2 {
  if (result.inputErrors.length > 0 || result.labelledImages === 0) return 2;
  return gatesPass(result.gates, result.failOnWarn) ? 0 : 1;
}

/** What an audit is decided on: the gates, the calibrate run's numbers, and what the images gave. */
export interface AuditInputs {
  readonly gates: readonly GateSpec[];
  readonly failOnWarn: boolean;
  /** an image set that differs from the baseline's is an error */
  readonly strict: boolean;
  readonly calibration: CalibrationReport;
  readonly baseline: Baseline | null;
  /** the images by name; null when unknown (audit --from a merge without its summary.json) */
  readonly images: readonly ImageRecord[] | null;
  readonly imageCount: number;
  /** summed sampling time; null when unknown */
  readonly totalMs: number | null;
  readonly slices: readonly SliceRecord[];
  /** the whole set's values of the slice metrics (what a slice gap is measured from) */
  readonly overall: Readonly<Record<string, number | null>>;
  readonly worstImages: Partial<Record<WorstList, WorstEntry[]>>;
}

/** Compares with the baseline (a difference that makes it meaningless throws) and evaluates every gate. */
export function auditResult(c: AuditInputs): AuditResult {
  const identity = identityOfCalibration(c.calibration);
  const comparison = c.baseline ? compareWithBaseline(c.baseline, identity, c.images, c.strict) : null;
  if (comparison?.errors.length) throw new RangeError(comparison.errors.join('; '));
  const msPerImage = c.totalMs !== null && c.imageCount > 0 ? c.totalMs / c.imageCount : null;
  const run: MeasuredRun = { metrics: c.calibration.metrics, classes: c.calibration.classes, msPerImage };
  const defs = resolveGates(c.gates, c.calibration.classes);
  const gates = c.gates.map((spec, i) => evaluateGate(spec, defs[i], { run, baseline: c.baseline?.run ?? null, slices: c.slices, overall: c.overall }));
  return {
    kind: AUDIT_KIND, ...fileHeader(AUDIT_SCHEMA_VERSION),
    passed: gatesPass(gates, c.failOnWarn) && c.calibration.errors.length === 0 && c.calibration.metrics.images > 0,
    failOnWarn: c.failOnWarn, gates, inputErrors: c.calibration.errors, warnings: [...(comparison?.warnings ?? [])],
    images: c.imageCount, labelledImages: c.calibration.metrics.images, run: identity, metrics: c.calibration.metrics, msPerImage,
    cost: { samples: c.calibration.samples, totalMs: c.totalMs, msPerImage },
    baseline: c.baseline && comparison ? { file: c.baseline.file, kind: c.baseline.kind, imageSet: comparison.imageSet, metrics: c.baseline.run.metrics } : null,
    worstImages: c.worstImages, slices: c.slices, sliceDrift: sliceDrift(c.slices, c.baseline?.slices ?? null), imageRecords: c.images ?? [],
  };
}
