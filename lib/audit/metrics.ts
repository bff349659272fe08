/**
 * The metrics an audit gate can name, with the direction that is better for each: a gate on an
 * allowed change knows from this whether a drop or a rise is the change that hurts.
 * Names: meanIoU, globalAccuracy, classAverageAccuracy, iou:CLASS, ece, adaptiveEce, classwiseEce,
 * mce, nll, brier, auroc[:KIND], aupr[:KIND], ause[:KIND], pavpu[:KIND] (KIND entropy,
 * mutualInformation or variance; entropy when left out), msPerImage; under a corruption (audit
 * --shift): shift.CORRUPTION.SEVERITY.METRIC, METRIC any of those but msPerImage, or meanEntropy
 * and meanMutualInformation (e.g. shift.gaussian-noise.3.ece; shift.none.0 is the clean images); with
 * --anomaly-labels anomaly.SCORE.METRIC (SCORE an anomaly score of lib/anomaly/scores.ts, METRIC ap,
 * auroc, fpr95, sIoU, ppv or meanF1).
 */
import { ANOMALY_KINDS, checkAnomalyKind } from '../anomaly/scores';
import { checkCorruption } from '../corruptions';
import type { MetricSummary, UncertaintyKind } from '../metrics/types';
import type { AnomalyScores } from '../report/formats';
import type { ShiftRow } from '../shift/result';

/** What a metric is read from: a calibration's summary, the classes and the mean sampling time. */
export interface MeasuredRun {
  readonly metrics: MetricSummary;
  readonly classes: readonly string[];
  /** mean sampling milliseconds per image; null when the run's times are unknown (audit --from) */
  readonly msPerImage: number | null;
  /** audit --shift: the shift run's rows (OUT/shift/shift.json); absent or null without one */
  readonly shift?: readonly Pick<ShiftRow, 'corruption' | 'severity' | 'metrics'>[] | null;
  /** anomaly.json's scores (audit --anomaly-labels); absent or null when the run had none */
  readonly anomaly?: AnomalyScores | null;
}

export interface MetricDef {
  /** the canonical name, e.g. "iou:Road", "auroc:entropy" */
  readonly key: string;
  /** for people, e.g. "IoU of Road" */
  readonly label: string;
  readonly higherIsBetter: boolean;
  /** a fraction in 0..1 (absolute bounds are checked against that range) */
  readonly fraction: boolean;
  readonly read: (run: MeasuredRun) => number | null;
}

const KINDS: readonly UncertaintyKind[] = ['entropy', 'mutualInformation', 'variance'];
const KIND_ALIASES: Readonly<Record<string, UncertaintyKind>> = {
  entropy: 'entropy', mutualInformation: 'mutualInformation', mi: 'mutualInformation', bald: 'mutualInformation', variance: 'variance',
};

type Fixed = Omit<MetricDef, 'key'>;
const FIXED: Readonly<Record<string, Fixed>> = {
  meanIoU: { label: 'mIoU', higherIsBetter: true, fraction: true, read: (r) => r.metrics.meanIoU },
  globalAccuracy: { label: 'global accuracy', higherIsBetter: true, fraction: true, read: (r) => r.metrics.globalAccuracy },
  classAverageAccuracy: { label: 'class-average accuracy', higherIsBetter: true, fraction: true, read: (r) => r.metrics.classAverageAccuracy },
  ece: { label: 'ECE', higherIsBetter: false, fraction: true, read: (r) => r.metrics.calibration.ece },
  adaptiveEce: { label: 'adaptive ECE', higherIsBetter: false, fraction: true, read: (r) => r.metrics.calibration.adaptiveEce },
  classwiseEce: { label: 'class-wise ECE', higherIsBetter: false, fraction: true, read: (r) => r.metrics.calibration.classwiseEce },
  mce: { label: 'MCE', higherIsBetter: false, fraction: true, read: (r) => r.metrics.calibration.mce },
  nll: { label: 'NLL', higherIsBetter: false, fraction: false, read: (r) => r.metrics.calibration.nll },
  brier: { label: 'Brier score', higherIsBetter: false, fraction: false, read: (r) => r.metrics.calibration.brier },
  msPerImage: { label: 'ms per image', higherIsBetter: false, fraction: false, read: (r) => r.msPerImage },
};

/** Short names people type, to the canonical ones. */
const ALIASES: Readonly<Record<string, string>> = {
  miou: 'meanIoU', mIoU: 'meanIoU', accuracy: 'globalAccuracy', 'global-accuracy': 'globalAccuracy',
  'class-average-accuracy': 'classAverageAccuracy', 'adaptive-ece': 'adaptiveEce', 'ms-per-image': 'msPerImage',
};

const PER_KIND: Readonly<Record<string, { label: string; higherIsBetter: boolean; fraction: boolean; read: (m: MetricSummary, k: UncertaintyKind) => number | null }>> = {
  auroc: { label: 'misclassification AUROC', higherIsBetter: true, fraction: true, read: (m, k) => m.uncertainty[k].auroc },
  aupr: { label: 'misclassification AUPR', higherIsBetter: true, fraction: true, read: (m, k) => m.uncertainty[k].aupr },
  ause: { label: 'AUSE', higherIsBetter: false, fraction: true, read: (m, k) => m.uncertainty[k].ause },
  pavpu: { label: 'PAvPU', higherIsBetter: true, fraction: true, read: (m, k) => m.uncertainty[k].pavpu.fixed.pavpu },
};

const ANOMALY_METRICS: Readonly<Record<string, { label: string; higherIsBetter: boolean; part: 'pixel' | 'component' }>> = {
  ap: { label: 'anomaly AP', higherIsBetter: true, part: 'pixel' }, auroc: { label: 'anomaly AUROC', higherIsBetter: true, part: 'pixel' },
  fpr95: { label: 'anomaly FPR95', higherIsBetter: false, part: 'pixel' }, sIoU: { label: 'anomaly component sIoU', higherIsBetter: true, part: 'component' },
  ppv: { label: 'anomaly component PPV', higherIsBetter: true, part: 'component' }, meanF1: { label: 'anomaly component mean F1', higherIsBetter: true, part: 'component' },
};

export const METRIC_NAMES = [...Object.keys(FIXED), 'iou:CLASS', ...Object.keys(PER_KIND).map((k) => `${k}[:${KINDS.join('|')}]`), 'shift.CORRUPTION.SEVERITY.METRIC',
  `anomaly.{${ANOMALY_KINDS.join('|')}}.{${Object.keys(ANOMALY_METRICS).join('|')}}`];

/** shift.CORRUPTION.SEVERITY.METRIC: corruption names hold no dot, so the third dot ends the condition. */
export const SHIFT_METRIC = /^shift\.([^.]+)\.([^.]+)\.(.+)$/;

const SHIFT_MEANS: Readonly<Record<string, string>> = { meanEntropy: 'mean entropy', meanMutualInformation: 'mean mutual information' };

/** A metric of one shift condition: the inner metric's definition, read from that condition's row. */
function shiftMetricDef(name: string, m: RegExpExecArray, classes: readonly string[]): MetricDef {
  const [, corruptionText, severityText, inner] = m;
  let corruption: string;
  try {
    corruption = corruptionText === 'none' ? 'none' : checkCorruption(corruptionText);
  } catch (err) {
    throw new RangeError(`metric ${name}: ${(err as Error).message}`);
  }
  const severity = Number(severityText);
  const severityOk = corruption === 'none' ? severity === 0 : Number.isInteger(severity) && severity >= 1 && severity <= 5;
  if (!severityOk) throw new RangeError(`metric ${name}: severity ${severityText} ${corruption === 'none' ? 'of the clean images is 0' : 'must be 1-5'}`);
  const mean = Object.hasOwn(SHIFT_MEANS, inner) ? inner as 'meanEntropy' | 'meanMutualInformation' : null;
  const def: Omit<MetricDef, 'key'> & { key: string } = mean
    ? { key: mean, label: SHIFT_MEANS[mean], higherIsBetter: false, fraction: false, read: (r) => (r.metrics as MetricSummary & Record<string, number | null>)[mean] ?? null }
    : metricDef(inner, classes);
  if (def.key === 'msPerImage' || def.key.startsWith('shift.')) throw new RangeError(`metric ${name}: ${def.key} is not measured per condition`);
  return {
    key: `shift.${corruption}.${severity}.${def.key}`, label: `${def.label} under ${corruption} ${severity}`, higherIsBetter: def.higherIsBetter, fraction: def.fraction,
    read: (r) => {
      const row = r.shift?.find((x) => x.corruption === corruption && x.severity === severity);
      return row ? def.read({ metrics: row.metrics, classes: r.classes, msPerImage: null }) : null;
    },
  };
}

/** The conditions the gates name (shift.CORRUPTION.SEVERITY.*), corruption names as given. */
export function shiftGateConditions(metrics: readonly string[]): { corruption: string; severity: number }[] {
  return metrics.flatMap((name) => {
    const m = SHIFT_METRIC.exec(name);
    return m ? [{ corruption: m[1] === 'none' ? 'none' : checkCorruption(m[1]), severity: Number(m[2]) }] : [];
  });
}

/** anomaly.SCORE.METRIC, read from the run's anomaly scores. */
function anomalyMetricDef(name: string): MetricDef {
  const [, kind, metric] = name.split('.');
  checkAnomalyKind(kind);
  const m = Object.hasOwn(ANOMALY_METRICS, metric) ? ANOMALY_METRICS[metric] : undefined;
  if (!m || name.split('.').length !== 3) throw new RangeError(`metric ${name}: unknown anomaly metric '${metric}' (known: ${Object.keys(ANOMALY_METRICS).join(', ')})`);
  return {
    key: `anomaly.${kind}.${metric}`, label: `${m.label} (${kind})`, higherIsBetter: m.higherIsBetter, fraction: true,
    read: (r) => ((r.anomaly?.[kind]?.[m.part] as Record<string, number | null> | undefined)?.[metric] ?? null),
  };
}

/** Whether a metric name is an anomaly metric (it needs --anomaly-labels). */
export const isAnomalyMetric = (name: string): boolean => name.startsWith('anomaly.');

/** The class index of a name (or a decimal index); throws naming the known classes. */
export function classIndex(spec: string, classes: readonly string[], flag = 'iou'): number {
  const byName = classes.indexOf(spec);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(spec) && Number(spec) < classes.length) return Number(spec);
  throw new RangeError(`${flag}: no class '${spec}' in the model card (classes: ${classes.join(', ')})`);
}

/**
 * The definition of a metric name; classes resolve iou:CLASS (a name or an index). Throws a
 * RangeError naming the known metrics.
 */
export function metricDef(name: string, classes: readonly string[]): MetricDef {
  // own keys only: a plain lookup of '__proto__' or 'constructor' found Object's (issue 25)
  const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
  const shift = SHIFT_METRIC.exec(name);
  if (shift) return shiftMetricDef(name, shift, classes);
  const canonical = own(ALIASES, name) ?? name;
  if (isAnomalyMetric(canonical)) return anomalyMetricDef(canonical);
  const fixed = own(FIXED, canonical);
  if (fixed) return { key: canonical, ...fixed };
  const colon = canonical.indexOf(':');
  const head = colon < 0 ? canonical : canonical.slice(0, colon);
  const tail = colon < 0 ? '' : canonical.slice(colon + 1);
  if (head === 'iou' && tail !== '') {
    const k = classIndex(tail, classes, `metric ${name}`);
    return { key: `iou:${classes[k]}`, label: `IoU of ${classes[k]}`, higherIsBetter: true, fraction: true, read: (r) => r.metrics.perClass[k]?.iou ?? null };
  }
  const perKind = own(PER_KIND, head);
  if (perKind) {
    const kind = tail === '' ? 'entropy' : own(KIND_ALIASES, tail);
    if (!kind) throw new RangeError(`metric ${name}: unknown uncertainty '${tail}' (known: ${KINDS.join(', ')})`);
    return {
      key: `${head}:${kind}`, label: `${perKind.label} (${kind})`, higherIsBetter: perKind.higherIsBetter, fraction: perKind.fraction,
      read: (r) => perKind.read(r.metrics, kind),
    };
  }
  throw new RangeError(`unknown metric '${name}' (known: ${METRIC_NAMES.join(', ')})`);
}
