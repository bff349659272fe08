/**
 * `segnet-uq audit`: gates a CI pipeline on the calibrate numbers. Thresholds come from flags
 * or a JSON config (same keys as the flags); each becomes a check and a JUnit test case.
 * Exit semantics (auditExitCode): 0 every threshold holds, 1 one fails, 2 an input could not be
 * scored (usage errors throw before any work).
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import type { UncertaintyKind } from '../types';
import { resolveModel } from '../model/card';
import { insideOutput, writeFileAtomic } from '../report/atomic';
import { readCalibrationReport, runCalibrate, type CalibrateOptions, type CalibrationReport } from './calibrate';
import { TOOL_VERSION } from './options';

export const AUDIT_SCHEMA_VERSION = 1;

/** Thresholds; every one is optional, at least one is required. */
export interface AuditThresholds {
  readonly minMiou?: number;
  readonly minGlobalAccuracy?: number;
  readonly maxEce?: number;
  /** on the PAvPU of `pavpuKind` at its balanced threshold */
  readonly minPavpu?: number;
  /** mean sampling milliseconds per image */
  readonly maxMsPerImage?: number;
  /** class name (or index) -> minimum IoU */
  readonly minClassIou?: Readonly<Record<string, number>>;
}

/** Config file keys: the flag names. */
const KEYS: Readonly<Record<string, keyof AuditThresholds>> = {
  'min-miou': 'minMiou', 'min-global-accuracy': 'minGlobalAccuracy', 'max-ece': 'maxEce', 'min-pavpu': 'minPavpu',
  'max-ms-per-image': 'maxMsPerImage', 'min-class-iou': 'minClassIou',
};

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

export interface AuditResult {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
  readonly passed: boolean;
  readonly checks: readonly AuditCheck[];
  /** images or labels that could not be scored: the audit cannot vouch for the set (exit 2) */
  readonly inputErrors: readonly { readonly file: string; readonly message: string }[];
  readonly images: number;
  readonly labelledImages: number;
  readonly pavpuKind: UncertaintyKind;
}

export interface AuditOptions extends CalibrateOptions {
  readonly thresholds: AuditThresholds;
  /** [entropy] uncertainty whose PAvPU --min-pavpu checks */
  readonly pavpuKind?: UncertaintyKind;
}

function checkFraction(flag: string, v: unknown, max = 1): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new RangeError(`--${flag} must be a number in 0..${max}, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates thresholds (fractions in 0..1, ms >= 0); throws RangeError naming the flag. */
export function checkThresholds(t: AuditThresholds): AuditThresholds {
  if (t.minMiou !== undefined) checkFraction('min-miou', t.minMiou);
  if (t.minGlobalAccuracy !== undefined) checkFraction('min-global-accuracy', t.minGlobalAccuracy);
  if (t.maxEce !== undefined) checkFraction('max-ece', t.maxEce);
  if (t.minPavpu !== undefined) checkFraction('min-pavpu', t.minPavpu);
  if (t.maxMsPerImage !== undefined) checkFraction('max-ms-per-image', t.maxMsPerImage, Number.MAX_SAFE_INTEGER);
  for (const [k, v] of Object.entries(t.minClassIou ?? {})) checkFraction(`min-class-iou ${k}`, v);
  const scalars = [t.minMiou, t.minGlobalAccuracy, t.maxEce, t.minPavpu, t.maxMsPerImage].filter((v) => v !== undefined).length;
  const count = scalars + Object.keys(t.minClassIou ?? {}).length;
  if (count === 0) throw new RangeError('no threshold given: set at least one of --min-miou, --min-global-accuracy, --max-ece, --min-pavpu, --max-ms-per-image, --min-class-iou, or --config');
  return t;
}

/** "Road=0.8" -> ['Road', 0.8] (the last '=' splits, so class names may hold '='). */
export function parseClassIou(spec: string): [string, number] {
  const at = spec.lastIndexOf('=');
  const value = Number(spec.slice(at + 1));
  if (at <= 0 || spec.slice(at + 1).trim() === '' || !Number.isFinite(value)) {
    throw new RangeError(`--min-class-iou must be CLASS=VALUE, got '${spec}'`);
  }
  return [spec.slice(0, at), value];
}

/** A config file's thresholds: an object with the flag names as keys ("min-class-iou": {CLASS: VALUE}). */
export function parseAuditConfig(value: unknown, file: string): AuditThresholds {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RangeError(`${file}: audit config must be a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = KEYS[key];
    if (!name) throw new RangeError(`${file}: unknown key '${key}' (known: ${Object.keys(KEYS).join(', ')})`);
    if (name === 'minClassIou') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RangeError(`${file}: "min-class-iou" must be an object of CLASS: VALUE`);
      out[name] = { ...(v as Record<string, number>) };
    } else out[name] = v;
  }
  return out as AuditThresholds;
}

export function loadAuditConfig(file: string): AuditThresholds {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RangeError(`--config ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return parseAuditConfig(JSON.parse(text), file);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RangeError(`--config ${file}: not valid JSON (${err.message})`);
    throw err;
  }
}

/** The class index of a name (or a decimal index); throws naming the known classes. */
function classIndex(spec: string, classes: readonly string[]): number {
  const byName = classes.indexOf(spec);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(spec) && Number(spec) < classes.length) return Number(spec);
  throw new RangeError(`--min-class-iou: no class '${spec}' in the model card (classes: ${classes.join(', ')})`);
}

export interface MeasuredValues {
  readonly meanIoU: number | null;
  readonly globalAccuracy: number | null;
  readonly ece: number | null;
  readonly pavpu: number | null;
  readonly msPerImage: number | null;
  readonly classIou: readonly (number | null)[];
  readonly classes: readonly string[];
}

const fmt = (v: number | null): string => (v === null ? 'undefined' : String(Number(v.toPrecision(6))));

function check(name: string, key: string, comparison: '>=' | '<=', threshold: number, measured: number | null): AuditCheck {
  const passed = measured !== null && (comparison === '>=' ? measured >= threshold : measured <= threshold);
  const message = `measured ${fmt(measured)}, threshold ${comparison} ${fmt(threshold)}: ${passed ? 'holds' : 'fails'}`;
  return { name: `${name} ${comparison} ${fmt(threshold)}`, key, comparison, threshold, measured, passed, message };
}

/** One check per threshold, in a fixed order. */
export function evaluateThresholds(t: AuditThresholds, m: MeasuredValues): AuditCheck[] {
  const checks: AuditCheck[] = [];
  if (t.minMiou !== undefined) checks.push(check('mIoU', 'min-miou', '>=', t.minMiou, m.meanIoU));
  if (t.minGlobalAccuracy !== undefined) checks.push(check('global accuracy', 'min-global-accuracy', '>=', t.minGlobalAccuracy, m.globalAccuracy));
  if (t.maxEce !== undefined) checks.push(check('ECE', 'max-ece', '<=', t.maxEce, m.ece));
  if (t.minPavpu !== undefined) checks.push(check('PAvPU', 'min-pavpu', '>=', t.minPavpu, m.pavpu));
  if (t.maxMsPerImage !== undefined) checks.push(check('ms per image', 'max-ms-per-image', '<=', t.maxMsPerImage, m.msPerImage));
  for (const [spec, v] of Object.entries(t.minClassIou ?? {})) {
    const k = classIndex(spec, m.classes);
    checks.push(check(`IoU of ${m.classes[k]}`, 'min-class-iou', '>=', v, m.classIou[k]));
  }
  return checks;
}

/** XML text/attribute escaping; characters XML 1.0 cannot hold are dropped. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

/** JUnit XML: one test case per threshold, plus an "inputs" case that errors when inputs failed. */
export function junitXml(result: AuditResult): string {
  const failures = result.checks.filter((c) => !c.passed).length;
  const errors = result.inputErrors.length > 0 ? 1 : 0;
  const tests = result.checks.length + 1;
  const cases = result.checks.map((c) => `    <testcase classname="segnet-uq.audit" name="${escapeXml(c.name)}">`
    + (c.passed ? '' : `\n      <failure type="threshold" message="${escapeXml(c.message)}">${escapeXml(c.message)}</failure>\n    `)
    + '</testcase>');
  const inputMessage = result.inputErrors.map((e) => `${e.file}: ${e.message}`).join('\n');
  cases.push(`    <testcase classname="segnet-uq.audit" name="inputs scored">`
    + (errors ? `\n      <error type="input" message="${escapeXml(`${result.inputErrors.length} inputs could not be scored`)}">${escapeXml(inputMessage)}</error>\n    ` : '')
    + '</testcase>');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="segnet-uq audit" tests="${tests}" failures="${failures}" errors="${errors}">
  <testsuite name="segnet-uq audit" tests="${tests}" failures="${failures}" errors="${errors}" timestamp="${escapeXml(result.createdAt)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

/** 0 all hold, 1 a threshold fails, 2 an input could not be scored or nothing was labelled. */
export function auditExitCode(result: AuditResult): 0 | 1 | 2 {
  if (result.inputErrors.length > 0 || result.labelledImages === 0) return 2;
  return result.passed ? 0 : 1;
}

export function measuredValues(calibration: CalibrationReport, msPerImage: number | null, pavpuKind: UncertaintyKind): MeasuredValues {
  const m = calibration.metrics;
  return {
    meanIoU: m.meanIoU, globalAccuracy: m.globalAccuracy, ece: m.calibration.ece,
    pavpu: m.uncertainty[pavpuKind].pavpu.fixed.pavpu, msPerImage,
    classIou: m.perClass.map((c) => c.iou), classes: calibration.classes,
  };
}

function checkPavpuKind(kind: UncertaintyKind): UncertaintyKind {
  if (!['entropy', 'mutualInformation', 'variance'].includes(kind)) {
    throw new RangeError(`--pavpu-kind must be entropy, mutualInformation or variance, got ${JSON.stringify(kind)}`);
  }
  return kind;
}

/** Evaluates the thresholds on a calibration and writes OUT/audit.json and OUT/junit.xml. */
function concludeAudit(out: string, thresholds: AuditThresholds, pavpuKind: UncertaintyKind, calibration: CalibrationReport,
  msPerImage: number | null, images: number): AuditResult {
  const checks = evaluateThresholds(thresholds, measuredValues(calibration, msPerImage, pavpuKind));
  const result: AuditResult = {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    tool: { name: 'segnet-uq', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    passed: checks.every((c) => c.passed),
    checks, inputErrors: calibration.errors, images, labelledImages: calibration.metrics.images, pavpuKind,
  };
  writeFileAtomic(insideOutput(out, 'audit.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileAtomic(insideOutput(out, 'junit.xml'), junitXml(result));
  return result;
}

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const thresholds = checkThresholds(options.thresholds);
  const pavpuKind = checkPavpuKind(options.pavpuKind ?? 'entropy');
  // an unknown class name is a usage error: check it before any image is sampled
  const classes = resolveModel(options.model, options.card).card.classes.map((c) => c.name);
  for (const spec of Object.keys(thresholds.minClassIou ?? {})) classIndex(spec, classes);
  const out = path.resolve(options.out ?? path.join('reports', 'audit'));
  const { summary, calibration } = await runCalibrate({ ...options, out });
  const times = summary.images.map((i) => i.ms);
  const msPerImage = times.length ? times.reduce((a, b) => a + b, 0) / times.length : null;
  return concludeAudit(out, thresholds, pavpuKind, calibration, msPerImage, summary.images.length);
}

export interface AuditFileOptions {
  /** a calibrate or merge run's calibration.json, or its folder */
  readonly from: string;
  readonly thresholds: AuditThresholds;
  /** [entropy] uncertainty whose PAvPU --min-pavpu checks */
  readonly pavpuKind?: UncertaintyKind;
  /** [reports/audit] where audit.json and junit.xml go */
  readonly out?: string;
}

/** The audit of a finished run (`--from`): no model runs, the recorded metrics are checked. */
export function auditCalibrationFile(options: AuditFileOptions): AuditResult {
  const thresholds = checkThresholds(options.thresholds);
  const pavpuKind = checkPavpuKind(options.pavpuKind ?? 'entropy');
  if (thresholds.maxMsPerImage !== undefined) {
    throw new RangeError('--max-ms-per-image needs sampling times, which calibration.json does not hold: audit the images instead of --from');
  }
  const { report } = readCalibrationReport(options.from);
  for (const spec of Object.keys(thresholds.minClassIou ?? {})) classIndex(spec, report.classes);
  const out = path.resolve(options.out ?? path.join('reports', 'audit'));
  return concludeAudit(out, thresholds, pavpuKind, report, null, report.metrics.images);
}
