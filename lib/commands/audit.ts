/**
 * `segnet-uq audit`: gates a CI pipeline on the calibrate numbers, alone or against a baseline
 * run (lib/audit/). Writes OUT/audit.json (readable back as a --baseline), junit.xml, summary.md
 * (a pull-request comment) and audit.html. Exit semantics (auditExitCode): 0 every fail gate
 * holds, 1 one is broken, 2 an input could not be scored (usage errors throw before any work).
 */
import * as path from 'path';
import {
  AUDIT_KIND, compareIdentity, compareWithBaseline, imagesOfSummary, readBaseline, timesOfSummary, type Baseline, type ImageRecord, type RunIdentity, type SliceRecord,
} from '../audit/baseline';
import { AuditCollector } from '../audit/collector';
import { evaluateGate, gatesPass, resolveGates, type GateSpec } from '../audit/gates';
import { junitXml } from '../audit/junit';
import { auditMarkdown } from '../audit/markdown';
import type { MeasuredRun } from '../audit/metrics';
import { auditPageHtml, SINGLE_FILE_BUDGET_BYTES } from '../audit/page';
import { AUDIT_SCHEMA_VERSION, sliceDrift, type AuditResult } from '../audit/result';
import { GROUP_BY, type GroupBy } from '../audit/slices';
import type { WorstImages } from '../audit/worst-images';
import { AUDIT_DEFAULTS, DEFAULT_OUT, DEFAULT_SAMPLES } from '../defaults';
import { resolveModel } from '../model/card';
import { insideOutput, writeFileAtomic } from '../atomic';
import type { ReportSummary } from '../report/summary';
import { readCalibrationReport } from '../report/calibration-files';
import { fileHeader } from '../report/file-header';
import type { CalibrationReport } from '../report/formats';
import { runCalibrate, type CalibrateOptions } from './calibrate';
import { describeSampleCount, resolveSampleCount } from '../engine/convergence';
import { checkInteger } from '../validate';

export { auditExitCode, type AuditResult } from '../audit/result';

export interface AuditGateOptions {
  readonly gates: readonly GateSpec[];
  /** [false] a broken warn gate fails the audit too */
  readonly failOnWarn?: boolean;
  /** an earlier audit or calibrate output folder, or its audit.json / calibration.json */
  readonly baseline?: string;
  /** [false] an image set that differs from the baseline's is an error, not a warning */
  readonly strict?: boolean;
  /** [false] audit.html inlines its thumbnails (one self-contained file) */
  readonly singleFile?: boolean;
}

export interface AuditOptions extends CalibrateOptions, AuditGateOptions {
  /** [AUDIT_DEFAULTS.worst] entries per worst-images list */
  readonly worst?: number;
  /** [AUDIT_DEFAULTS.sliceBy] slices of the image set beside the property terciles: by file-name prefix (up to '_'), folder, or none */
  readonly sliceBy?: GroupBy;
}

function checkGates(options: AuditGateOptions, classes: readonly string[]): void {
  if (options.gates.length === 0 && !options.baseline) {
    throw new RangeError('no gate given: set --baseline with --max-drop / --max-rise, or a bound (--min-miou, --max-ece, --min METRIC=X, ...), or --config');
  }
  resolveGates(options.gates, classes);
}

function loadBaseline(file: string | undefined, current: RunIdentity): Baseline | null {
  if (!file) return null;
  const baseline = readBaseline(file);
  const errors = compareIdentity(baseline.identity, current);
  if (errors.length) throw new RangeError(`--baseline ${baseline.file} was made with another ${errors.join('; another ')}: the runs cannot be compared`);
  return baseline;
}

interface Conclusion {
  readonly out: string;
  readonly options: AuditGateOptions;
  readonly calibration: CalibrationReport;
  readonly baseline: Baseline | null;
  readonly images: readonly ImageRecord[] | null;
  readonly imageCount: number;
  readonly totalMs: number | null;
  readonly slices: readonly SliceRecord[];
  readonly overall: Readonly<Record<string, number | null>>;
  readonly worst: WorstImages | null;
}

function identityOf(c: CalibrationReport): RunIdentity {
  return { card: c.model.name, classes: c.classes, ignoreIndex: c.ignoreIndex, samples: c.samples };
}

/** Evaluates the gates and writes audit.json, junit.xml, summary.md and audit.html. */
function concludeAudit(c: Conclusion): AuditResult {
  const identity = identityOf(c.calibration);
  const comparison = c.baseline ? compareWithBaseline(c.baseline, identity, c.images, Boolean(c.options.strict)) : null;
  if (comparison?.errors.length) throw new RangeError(comparison.errors.join('; '));
  const msPerImage = c.totalMs !== null && c.imageCount > 0 ? c.totalMs / c.imageCount : null;
  const run: MeasuredRun = { metrics: c.calibration.metrics, classes: c.calibration.classes, msPerImage };
  const defs = resolveGates(c.options.gates, c.calibration.classes);
  const gates = c.options.gates.map((spec, i) => evaluateGate(spec, defs[i], { run, baseline: c.baseline?.run ?? null, slices: c.slices, overall: c.overall }));
  const failOnWarn = Boolean(c.options.failOnWarn);
  const warnings = [...(comparison?.warnings ?? [])];
  const result: AuditResult = {
    kind: AUDIT_KIND, ...fileHeader(AUDIT_SCHEMA_VERSION),
    passed: gatesPass(gates, failOnWarn) && c.calibration.errors.length === 0 && c.calibration.metrics.images > 0,
    failOnWarn, gates, inputErrors: c.calibration.errors, warnings,
    images: c.imageCount, labelledImages: c.calibration.metrics.images, run: identity, metrics: c.calibration.metrics, msPerImage,
    cost: { samples: c.calibration.samples, totalMs: c.totalMs, msPerImage },
    baseline: c.baseline && comparison ? { file: c.baseline.file, kind: c.baseline.kind, imageSet: comparison.imageSet, metrics: c.baseline.run.metrics } : null,
    worstImages: c.worst?.result() ?? {}, slices: c.slices, sliceDrift: sliceDrift(c.slices, c.baseline?.slices ?? null), imageRecords: c.images ?? [],
  };
  const thumbs = new Map<string, string>();
  for (const t of c.worst?.thumbnails() ?? []) {
    const key = `${t.list}/${t.rank}`;
    if (c.options.singleFile) thumbs.set(key, `data:image/png;base64,${t.png.toString('base64')}`);
    else {
      const rel = `audit-images/${t.list}-${t.rank}.png`;
      writeFileAtomic(insideOutput(c.out, rel), t.png);
      thumbs.set(key, rel);
      t.entry.thumbnail = rel;
    }
  }
  // the page first: a page over its budget is a warning the other files carry
  const html = auditPageHtml(result, (list, rank) => thumbs.get(`${list}/${rank}`) ?? null);
  if (c.options.singleFile && Buffer.byteLength(html) > SINGLE_FILE_BUDGET_BYTES) {
    warnings.push(`audit.html is ${Buffer.byteLength(html)} bytes, over the ${SINGLE_FILE_BUDGET_BYTES}-byte budget of --single-file`);
  }
  writeFileAtomic(insideOutput(c.out, 'audit.html'), html);
  writeFileAtomic(insideOutput(c.out, 'audit.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileAtomic(insideOutput(c.out, 'junit.xml'), junitXml(result));
  writeFileAtomic(insideOutput(c.out, 'summary.md'), auditMarkdown(result));
  return result;
}

const imageRecordsOf = (s: ReportSummary): ImageRecord[] => s.images.map((i) => ({
  name: path.basename(i.file), sha256: i.sha256, meanIoU: i.metrics?.meanIoU ?? null, meanEntropy: i.meanEntropy,
}));

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  // unknown metrics or classes and a baseline that cannot compare are usage errors: before any image is sampled
  const resolved = resolveModel(options.model, options.card);
  const { card } = resolved;
  const classes = card.classes.map((c) => c.name);
  checkGates(options, classes);
  const worstK = checkInteger('--worst', options.worst ?? AUDIT_DEFAULTS.worst, 0, 100);
  const sliceBy = options.sliceBy ?? AUDIT_DEFAULTS.sliceBy;
  if (!GROUP_BY.includes(sliceBy)) throw new RangeError(`--slice-by must be prefix, folder or none, got ${JSON.stringify(sliceBy)}`);
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex ?? null;
  const baseline = loadBaseline(options.baseline, {
    card: card.name, classes, ignoreIndex, samples: describeSampleCount(resolveSampleCount(options.samples ?? DEFAULT_SAMPLES, options.tolerance, options.maxSamples)),
  });
  const out = path.resolve(options.out ?? DEFAULT_OUT.audit);
  const collector = new AuditCollector(card, ignoreIndex, { worst: worstK, groupBy: sliceBy, baselineImages: baseline?.images ?? null });
  const { summary, calibration } = await runCalibrate({ ...options, out }, { labelled: (image) => collector.add(image) }, resolved);
  const totalMs = summary.images.length ? summary.images.reduce((a, i) => a + i.ms, 0) : null;
  const { slices, overall } = collector.finish();
  return concludeAudit({
    out, options, calibration, baseline, images: imageRecordsOf(summary), imageCount: summary.images.length, totalMs, slices, overall, worst: collector.worst,
  });
}

export interface AuditFileOptions extends AuditGateOptions {
  /** a calibrate or merge run's calibration.json, or its folder */
  readonly from: string;
  /** [DEFAULT_OUT.audit] where the audit's files go */
  readonly out?: string;
}

/**
 * The audit of a finished run (`--from`): no model runs, the recorded metrics are checked. The
 * sampling times and images come from the summary.json beside the calibration.json when there
 * is one; slices and worst images need the images and are left out.
 */
export function auditCalibrationFile(options: AuditFileOptions): AuditResult {
  const { file, report } = readCalibrationReport(options.from);
  checkGates(options, report.classes);
  const summaryFile = path.join(path.dirname(file), 'summary.json');
  const images = imagesOfSummary(summaryFile);
  const ms = timesOfSummary(summaryFile);
  if (!ms?.length && options.gates.some((g) => g.metric === 'msPerImage' || g.metric === 'ms-per-image')) {
    throw new RangeError(`ms per image needs sampling times, and ${summaryFile} is missing: audit the images instead of --from`);
  }
  const baseline = loadBaseline(options.baseline, identityOf(report));
  const out = path.resolve(options.out ?? DEFAULT_OUT.audit);
  return concludeAudit({
    out, options, calibration: report, baseline, images, imageCount: images?.length ?? report.metrics.images,
    totalMs: ms?.length ? ms.reduce((a, b) => a + b, 0) : null, slices: [], overall: {}, worst: null,
  });
}
