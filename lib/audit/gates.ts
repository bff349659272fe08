/**
 * Audit gates, after MLflow's MetricThreshold and Deepchecks' conditions: an absolute bound
 * (`min`, `max`), an allowed change against a baseline run (`max-drop` for metrics where higher
 * is better, `max-rise` where lower is better; absolute, or relative with a '%' value), or a
 * bound on the gap between the whole set and its worst slice (`max-slice-gap`). Each gate is
 * `fail` or `warn`; a broken warn gate fails the audit only with failOnWarn.
 */
import { metricDef, type MeasuredRun, type MetricDef } from './metrics';
import { checkNumber } from '../validate';
import { formatNumber, metricKind } from '../format';
import type { GateKind, GateResult, Severity } from '../report/formats';

export const GATE_KINDS: readonly GateKind[] = ['min', 'max', 'max-drop', 'max-rise', 'max-slice-gap'];

export interface GateSpec {
  /** a metric name of lib/audit/metrics.ts */
  readonly metric: string;
  readonly kind: GateKind;
  /** the bound, the allowed change (a fraction of the baseline when relative) or the allowed gap */
  readonly value: number;
  /** allowed changes only: value is a fraction of the baseline's value ("5%" -> 0.05) */
  readonly relative: boolean;
  readonly severity: Severity;
}


/** A slice's values of the metrics a slice gate can read. */
export interface SliceValues {
  readonly name: string;
  readonly images: number;
  readonly values: Readonly<Record<string, number | null>>;
}

/** Metrics measured per slice (lib/audit/slices.ts). */
export const SLICE_METRICS = ['meanIoU', 'globalAccuracy', 'classAverageAccuracy', 'meanEntropy'];

/** A gate's numbers by the metric's kind (lib/format.ts): msPerImage in whole ms, rates at 4 significant digits. */
const fmtAs = (key: string) => (v: number | null): string => (v === null ? 'undefined' : formatNumber(v, metricKind(key)));
/** A bound the user typed, as typed (up to 6 significant digits). */
const typed = (v: number): string => String(Number(v.toPrecision(6)));

/**
 * "meanIoU=0.01" or "meanIoU=2%" -> a spec. The last '=' splits (class names may hold '=');
 * relative values only for allowed changes.
 */
export function parseGateFlag(flag: string, spec: string): GateSpec {
  const warn = flag.startsWith('warn-');
  const kind = (warn ? flag.slice(5) : flag) as GateKind;
  if (!GATE_KINDS.includes(kind)) throw new RangeError(`unknown gate --${flag} (known: ${GATE_KINDS.map((k) => `--${k}, --warn-${k}`).join(', ')})`);
  const at = spec.lastIndexOf('=');
  const text = spec.slice(at + 1).trim();
  const relative = text.endsWith('%');
  const value = Number(relative ? text.slice(0, -1) : text);
  if (at <= 0 || text === '' || text === '%' || !Number.isFinite(value)) throw new RangeError(`--${flag} must be METRIC=VALUE, got '${spec}'`);
  return gateSpec({ metric: spec.slice(0, at), kind, value: relative ? value / 100 : value, relative, severity: warn ? 'warn' : 'fail' }, `--${flag}`);
}

/** An audit's gates, checked before any work: at least one (or a baseline to compare with), each a known metric or class. */
export function checkAuditGates(gates: readonly GateSpec[], hasBaseline: boolean, classes: readonly string[]): void {
  if (gates.length === 0 && !hasBaseline) {
    throw new RangeError('no gate given: set --baseline with --max-drop / --max-rise, or a bound (--min-miou, --max-ece, --min METRIC=X, ...), or --config');
  }
  resolveGates(gates, classes);
  const change = gates.find((g) => g.kind === 'max-drop' || g.kind === 'max-rise');
  if (change && !hasBaseline) {
    throw new RangeError(`--${change.severity === 'warn' ? 'warn-' : ''}${change.kind} ${change.metric} compares with a baseline run: give --baseline (an earlier audit or calibrate output)`);
  }
}

/** Checks a spec's value and, for allowed changes, the direction; returns it. */
export function gateSpec(spec: GateSpec, where: string): GateSpec {
  checkNumber(`${where} ${spec.metric}: the value`, spec.value, { min: 0 });
  if (spec.relative && (spec.kind === 'min' || spec.kind === 'max' || spec.kind === 'max-slice-gap')) {
    throw new RangeError(`${where} ${spec.metric}: a relative ('%') value is for --max-drop and --max-rise only`);
  }
  if (spec.severity !== 'fail' && spec.severity !== 'warn') throw new RangeError(`${where} ${spec.metric}: severity must be fail or warn, got ${JSON.stringify(spec.severity)}`);
  return spec;
}

/** Checks the spec against the metric's definition (direction, range); throws naming the flag. */
export function checkGateAgainstMetric(spec: GateSpec, def: MetricDef): void {
  const where = `--${spec.severity === 'warn' ? 'warn-' : ''}${spec.kind} ${spec.metric}`;
  if (spec.kind === 'max-drop' && !def.higherIsBetter) throw new RangeError(`${where}: lower ${def.label} is better, so a drop is no harm; use --max-rise`);
  if (spec.kind === 'max-rise' && def.higherIsBetter) throw new RangeError(`${where}: higher ${def.label} is better, so a rise is no harm; use --max-drop`);
  if ((spec.kind === 'min' || spec.kind === 'max') && def.fraction && spec.value > 1) throw new RangeError(`${where}: ${def.label} is a fraction in 0..1, got ${spec.value}`);
  if (spec.kind === 'max-slice-gap' && !SLICE_METRICS.includes(def.key)) {
    throw new RangeError(`${where}: slices measure ${SLICE_METRICS.join(', ')} only`);
  }
}

/** Resolves every spec's metric (throws on an unknown metric or class, before any image is sampled). */
export function resolveGates(specs: readonly GateSpec[], classes: readonly string[]): MetricDef[] {
  return specs.map((s) => {
    const def = s.kind === 'max-slice-gap' && s.metric === 'meanEntropy'
      ? { key: 'meanEntropy', label: 'mean entropy', higherIsBetter: false, fraction: false, read: () => null }
      : metricDef(s.metric, classes);
    checkGateAgainstMetric(s, def);
    return def;
  });
}

function gateName(spec: GateSpec, def: MetricDef): string {
  const v = spec.relative ? `${typed(spec.value * 100)}%` : typed(spec.value);
  switch (spec.kind) {
    case 'min': return `${def.label} >= ${v}`;
    case 'max': return `${def.label} <= ${v}`;
    case 'max-drop': return `${def.label} drop <= ${v} vs baseline`;
    case 'max-rise': return `${def.label} rise <= ${v} vs baseline`;
    default: return `${def.label} worst-slice gap <= ${v}`;
  }
}

/** The whole set's value and the worst slice's for a slice gate; null when no slice has the metric. */
function worstSlice(def: MetricDef, slices: readonly SliceValues[]): SliceValues | null {
  let worst: SliceValues | null = null;
  for (const s of slices) {
    const v = s.values[def.key];
    if (v === null || v === undefined) continue;
    const w = worst?.values[def.key] as number | undefined;
    if (w === undefined || (def.higherIsBetter ? v < w : v > w)) worst = s;
  }
  return worst;
}

export interface GateContext {
  readonly run: MeasuredRun;
  /** the baseline's values; null when no --baseline */
  readonly baseline: MeasuredRun | null;
  /** the run's slices and the whole set's values of SLICE_METRICS */
  readonly slices: readonly SliceValues[];
  readonly overall: Readonly<Record<string, number | null>>;
}

/** Evaluates one gate. Undefined values (no labelled pixel of a class, no baseline) break it. */
export function evaluateGate(spec: GateSpec, def: MetricDef, ctx: GateContext): GateResult {
  const fmt = fmtAs(def.key);
  const name = gateName(spec, def);
  const base = { name, metric: def.key, label: def.label, kind: spec.kind, severity: spec.severity };
  if (spec.kind === 'min' || spec.kind === 'max') {
    const measured = def.read(ctx.run);
    const passed = measured !== null && (spec.kind === 'min' ? measured >= spec.value : measured <= spec.value);
    return {
      ...base, threshold: spec.value, allowedChange: null, measured, baseline: null, change: null, passed,
      message: `measured ${fmt(measured)}, bound ${spec.kind === 'min' ? '>=' : '<='} ${typed(spec.value)}: ${passed ? 'holds' : 'broken'}`,
    };
  }
  if (spec.kind === 'max-slice-gap') {
    const worst = worstSlice(def, ctx.slices);
    const measured = worst ? (worst.values[def.key] as number) : null;
    const whole = ctx.overall[def.key] ?? null;
    const change = measured !== null && whole !== null ? measured - whole : null;
    const gap = change === null ? null : def.higherIsBetter ? -change : change;
    const passed = gap !== null && gap <= spec.value + 1e-12;
    return {
      ...base, threshold: spec.value, allowedChange: null, measured, baseline: whole, change, ...(worst ? { slice: worst.name } : {}), passed,
      message: worst ? `worst slice ${worst.name} (${worst.images} images) ${fmt(measured)}, whole set ${fmt(whole)}: gap ${fmt(gap)}, allowed ${typed(spec.value)}`
        : 'no slice measured this metric',
    };
  }
  const measured = def.read(ctx.run);
  const baseline = ctx.baseline ? def.read(ctx.baseline) : null;
  const change = measured !== null && baseline !== null ? measured - baseline : null;
  // the harmful direction: a drop for max-drop, a rise for max-rise
  const harm = change === null ? null : spec.kind === 'max-drop' ? -change : change;
  const allowed = spec.relative ? (baseline === null ? null : spec.value * Math.abs(baseline)) : spec.value;
  const passed = harm !== null && allowed !== null && harm <= allowed + 1e-12;
  const allowedText = spec.relative ? `${typed(spec.value * 100)}% of the baseline (${fmt(allowed)})` : typed(spec.value);
  const message = !ctx.baseline ? 'needs --baseline'
    : change === null ? `measured ${fmt(measured)}, baseline ${fmt(baseline)}: cannot compare`
      : `measured ${fmt(measured)}, baseline ${fmt(baseline)}, change ${change >= 0 ? '+' : ''}${fmt(change)}; allowed ${spec.kind === 'max-drop' ? 'drop' : 'rise'} ${allowedText}: ${passed ? 'holds' : 'broken'}`;
  return { ...base, threshold: null, allowedChange: { value: spec.value, relative: spec.relative }, measured, baseline, change, passed, message };
}

/** True when the audit passes: every fail gate holds, and every warn gate too with failOnWarn. */
export function gatesPass(gates: readonly GateResult[], failOnWarn: boolean): boolean {
  return gates.every((g) => g.passed || (g.severity === 'warn' && !failOnWarn));
}

/** The verdict of one gate: pass, warn (a broken warn gate) or fail. */
export function verdictOf(gate: GateResult, failOnWarn: boolean): 'pass' | 'warn' | 'fail' {
  if (gate.passed) return 'pass';
  return gate.severity === 'warn' && !failOnWarn ? 'warn' : 'fail';
}
