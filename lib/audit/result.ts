/** What an audit decides from its inputs: the gates and the audit.json (lib/report/formats.ts) it writes. */
import { fileHeader } from '../report/file-header';
import { AUDIT_KIND, AUDIT_SCHEMA_VERSION, type AnomalyScores, type AuditResult, type CalibrationReport, type GateResult, type ImageRecord, type SliceDrift, type SliceRecord, type WorstEntry, type WorstList } from '../report/formats';
import { compareWithBaseline, identityOfCalibration, type Baseline } from './baseline';
import { evaluateGate, gatesPass, resolveGates, type GateSpec } from './gates';
import type { MeasuredRun } from './metrics';
import { sliceKey } from './slices';

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
  /** gates evaluated elsewhere (audit --conformal's coverage gate), after the others */
  readonly extraGates?: readonly GateResult[];
  /** audit --shift: the shift run's rows, for the shift.* gates */
  readonly shift?: MeasuredRun['shift'];
  /** audit --anomaly-labels: anomaly.json's scores */
  readonly anomaly?: AnomalyScores | null;
}

/** Compares with the baseline (a difference that makes it meaningless throws) and evaluates every gate. */
export function auditResult(c: AuditInputs): AuditResult {
  const identity = identityOfCalibration(c.calibration);
  const comparison = c.baseline ? compareWithBaseline(c.baseline, identity, c.images, c.strict) : null;
  if (comparison?.errors.length) throw new RangeError(comparison.errors.join('; '));
  const msPerImage = c.totalMs !== null && c.imageCount > 0 ? c.totalMs / c.imageCount : null;
  const run: MeasuredRun = { metrics: c.calibration.metrics, classes: c.calibration.classes, msPerImage, shift: c.shift ?? null, anomaly: c.anomaly ?? null };
  const defs = resolveGates(c.gates, c.calibration.classes);
  const gates = [...c.gates.map((spec, i) => evaluateGate(spec, defs[i], { run, baseline: c.baseline?.run ?? null, slices: c.slices, overall: c.overall })), ...(c.extraGates ?? [])];
  return {
    kind: AUDIT_KIND, ...fileHeader(AUDIT_SCHEMA_VERSION),
    passed: gatesPass(gates, c.failOnWarn) && c.calibration.errors.length === 0 && c.calibration.metrics.images > 0,
    failOnWarn: c.failOnWarn, gates, inputErrors: c.calibration.errors, warnings: [...(comparison?.warnings ?? [])],
    images: c.imageCount, labelledImages: c.calibration.metrics.images, run: identity, metrics: c.calibration.metrics, msPerImage,
    cost: { samples: c.calibration.samples, totalMs: c.totalMs, msPerImage },
    baseline: c.baseline && comparison ? { file: c.baseline.file, kind: c.baseline.kind, imageSet: comparison.imageSet, metrics: c.baseline.run.metrics } : null,
    worstImages: c.worstImages, slices: c.slices, sliceDrift: sliceDrift(c.slices, c.baseline?.slices ?? null), imageRecords: c.images ?? [],
    ...(c.anomaly ? { anomaly: c.anomaly } : {}),
  };
}
