/**
 * `segnet-uq audit`: gates a CI pipeline on the calibrate numbers, alone or against a baseline
 * run (lib/audit/). Writes OUT/audit.json (readable back as a --baseline), junit.xml, summary.md
 * (a pull-request comment) and audit.html. Exit semantics (auditExitCode): 0 every fail gate
 * holds, 1 one is broken, 2 an input could not be scored (usage errors throw before any work).
 */
import { existsSync } from 'fs';
import { withLockedOut } from '../report/out-lock';
import * as path from 'path';
import { readJsonFile } from '../json-file';
import { anomalyScoresSchema } from '../report/format-schemas';
import { checkFile, obj } from '../schema';
import { comparableBaseline, identityOfCalibration, imageRecordsOf, imagesOfSummary, timesOfSummary } from '../audit/baseline';
import { AuditCollector } from '../audit/collector';
import { writeAuditFiles } from '../audit/files';
import { checkAuditGates, type GateSpec } from '../audit/gates';
import { auditResult, type AuditInputs } from '../audit/result';
import type { AnomalyScores, AuditResult } from '../report/formats';
import { GROUP_BY, type GroupBy } from '../audit/slices';
import type { WorstImages } from '../audit/worst-images';
import { shiftGateConditions } from '../audit/metrics';
import { checkCorruption } from '../corruptions';
import { AUDIT_DEFAULTS, DEFAULT_OUT, DEFAULT_SAMPLES, SHIFT_DEFAULTS } from '../defaults';
import { AUDIT_SHIFT_DIR, shiftRowsBeside } from '../shift/result';
import { describeSampleCount, resolveSampleCount } from '../engine/convergence';
import { resolveModel } from '../model/card';
import { readCalibrationReport } from '../report/calibration-files';
import { checkInteger } from '../validate';
import type { ConformalMetrics } from '../conformal/apply';
import { checkMinCoverage, conformalOfSummary, coverageGate } from '../conformal/gate';
import { runCalibrate, type CalibrateOptions } from './calibrate';
import { runShift } from './shift';
import { anomalySink, checkAnomalyOptions, concludeAnomaly, type AnomalyScoringOptions } from '../anomaly/run';
import { isAnomalyMetric } from '../audit/metrics';

export { auditExitCode } from '../audit/result';
export type { AuditResult } from '../report/formats';

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

export interface AuditOptions extends CalibrateOptions, AuditGateOptions, Partial<AnomalyScoringOptions> {
  /** corruptions to run after the clean images (OUT/shift/, as `segnet-uq shift`), at the severities the shift.* gates name (all five when none does) */
  readonly shift?: readonly string[];
  /** [AUDIT_DEFAULTS.worst] entries per worst-images list */
  readonly worst?: number;
  /** [AUDIT_DEFAULTS.sliceBy] slices of the image set beside the property terciles: by file-name prefix (up to '_'), folder, or none */
  readonly sliceBy?: GroupBy;
  /** with `conformal`: the coverage the sets must keep on these images, less the finite-sample slack (lib/conformal/gate.ts) */
  readonly minCoverage?: number;
}

/** The audit's result from what the run (or the finished run's files) gave; its files written. */
function conclude(out: string, options: AuditGateOptions, inputs: Omit<AuditInputs, 'gates' | 'failOnWarn' | 'strict' | 'worstImages'>, worst: WorstImages | null): AuditResult {
  const result = auditResult({
    ...inputs, gates: options.gates, failOnWarn: Boolean(options.failOnWarn), strict: Boolean(options.strict), worstImages: worst?.result() ?? {},
  });
  return writeAuditFiles(out, result, worst, Boolean(options.singleFile));
}

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  // unknown metrics or classes and a baseline that cannot compare are usage errors: before any image is sampled
  const resolved = resolveModel(options.model, options.card);
  const { card } = resolved;
  const classes = card.classes.map((c) => c.name);
  const minCoverage = options.minCoverage === undefined ? null : checkMinCoverage(options.minCoverage, options.conformal);
  checkAuditGates(options.gates, Boolean(options.baseline) || minCoverage !== null, classes);
  const worstK = checkInteger('--worst', options.worst ?? AUDIT_DEFAULTS.worst, 0, 100);
  const sliceBy = options.sliceBy ?? AUDIT_DEFAULTS.sliceBy;
  if (!GROUP_BY.includes(sliceBy)) throw new RangeError(`--slice-by must be prefix, folder or none, got ${JSON.stringify(sliceBy)}`);
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex ?? null;
  const baseline = comparableBaseline(options.baseline, {
    card: card.name, classes, ignoreIndex, samples: describeSampleCount(resolveSampleCount(options.samples ?? DEFAULT_SAMPLES, options.tolerance, options.maxSamples)),
  }, options.gates);
  const shift = checkShiftGates(options);
  const out = path.resolve(options.out ?? DEFAULT_OUT.audit);
  // --anomaly-labels: anomaly.json beside calibration.json, and the anomaly.SCORE.METRIC gates read it
  const anomalyChecked = options.anomalyLabels === undefined ? null : checkAnomalyOptions({ ...options, anomalyLabels: options.anomalyLabels });
  const needsAnomaly = options.gates.find((g) => isAnomalyMetric(g.metric));
  if (needsAnomaly && !anomalyChecked) throw new RangeError(`the gate on ${needsAnomaly.metric} needs --anomaly-labels (a folder of anomaly label PNGs)`);
  const anomaly = anomalyChecked && anomalySink(anomalyChecked, out, classes.length, options);
  const collector = new AuditCollector(card, ignoreIndex, { worst: worstK, groupBy: sliceBy, baselineImages: baseline?.images ?? null });
  // audit.json and its pages are written under the run's lock (runCalibrate's finish)
  return await runCalibrate({ ...options, out }, {
    labelled: (image) => collector.add(image), ...(anomaly ? { image: (image) => anomaly.image(image) } : {}),
  }, resolved, async ({ summary, calibration }) => {
    const anomalyScores = anomaly && anomalyChecked ? concludeAnomaly(out, anomaly, summary, anomalyChecked, options.images ?? true, Boolean(options.shard)).report.scores : null;
    const totalMs = summary.images.length ? summary.images.reduce((a, i) => a + i.ms, 0) : null;
    const { slices, overall } = collector.finish();
    const shifted = shift && await runShift({ ...options, out: path.join(out, AUDIT_SHIFT_DIR), corruptions: shift.corruptions, severities: shift.severities });
    return conclude(out, options, {
      calibration, baseline, images: imageRecordsOf(summary.images), imageCount: summary.images.length, totalMs, slices, overall, shift: shifted?.rows ?? null, anomaly: anomalyScores,
      ...(minCoverage !== null ? { extraGates: [coverageGate(minCoverage, summary.metrics?.conformal as ConformalMetrics | undefined)] } : {}),
    }, collector.worst);
  });
}

/** --shift and the shift.* gates, checked before any image is sampled: the corruptions and severities to run, or null. */
function checkShiftGates(options: AuditOptions): { corruptions: string[]; severities: number[] } | null {
  const named = shiftGateConditions(options.gates.map((g) => g.metric));
  const corruptions = (options.shift ?? []).map((c) => checkCorruption(c));
  if (corruptions.length === 0) {
    if (named.length > 0) throw new RangeError(`the gate on ${options.gates.find((g) => g.metric.startsWith('shift.'))?.metric} needs --shift CORRUPTIONS: the corruptions to run`);
    return null;
  }
  if (options.shard) throw new RangeError('--shift cannot be combined with --shard: merge does not combine an audit\'s shift run; run `shift --shard`, merge it, and gate it with `audit --from`');
  const missing = named.find((c) => c.corruption !== 'none' && !corruptions.includes(c.corruption as never));
  if (missing) throw new RangeError(`a gate names ${missing.corruption}, which --shift ${corruptions.join(',')} does not run`);
  const severities = [...new Set(named.map((c) => c.severity).filter((s) => s > 0))].sort((a, b) => a - b);
  return { corruptions, severities: severities.length ? severities : [...SHIFT_DEFAULTS.severities] };
}

export interface AuditFileOptions extends AuditGateOptions {
  /** [false] write into an --out folder that holds files segnet-uq did not write */
  readonly force?: boolean;
  /** a calibrate or merge run's calibration.json, or its folder */
  readonly from: string;
  /** [DEFAULT_OUT.audit] where the audit's files go */
  readonly out?: string;
  /** the coverage gate on the conformal numbers of the summary.json beside (a run made with --conformal) */
  readonly minCoverage?: number;
}

/**
 * The audit of a finished run (`--from`): no model runs, the recorded metrics are checked. The
 * sampling times and images come from the summary.json beside the calibration.json when there
 * is one; slices and worst images need the images and are left out.
 */
export function auditCalibrationFile(options: AuditFileOptions): AuditResult {
  const { file, report } = readCalibrationReport(options.from);
  checkAuditGates(options.gates, Boolean(options.baseline) || options.minCoverage !== undefined, report.classes);
  const summaryFile = path.join(path.dirname(file), 'summary.json');
  const images = imagesOfSummary(summaryFile);
  const ms = timesOfSummary(summaryFile);
  if (!ms?.length && options.gates.some((g) => g.metric === 'msPerImage' || g.metric === 'ms-per-image')) {
    throw new RangeError(`ms per image needs sampling times, and ${summaryFile} is missing: audit the images instead of --from`);
  }
  const baseline = comparableBaseline(options.baseline, identityOfCalibration(report), options.gates);
  const coverage = options.minCoverage === undefined ? null : coverageGate(checkMinCoverage(options.minCoverage, summaryFile), conformalOfSummary(summaryFile));
  // the shift.* gates read the shift run an audit --shift wrote beside the calibration.json
  const shift = shiftRowsBeside(file);
  const needs = options.gates.find((g) => g.metric.startsWith('shift.'));
  if (needs && !shift) throw new RangeError(`the gate on ${needs.metric} needs a shift run: ${path.join(path.dirname(file), AUDIT_SHIFT_DIR, 'shift.json')} is missing (audit the images with --shift)`);
  // an audit --anomaly-labels run wrote anomaly.json beside its calibration.json
  const anomalyFile = path.join(path.dirname(file), 'anomaly.json');
  const anomaly: AnomalyScores | null = existsSync(anomalyFile) ? checkFile(anomalyFile, readJsonFile(anomalyFile, { flag: '--from' }), obj({ scores: anomalyScoresSchema }), { flag: '--from' }).scores : null;
  const needsAnomaly = options.gates.find((g) => isAnomalyMetric(g.metric));
  if (needsAnomaly && !anomaly) throw new RangeError(`the gate on ${needsAnomaly.metric} needs ${anomalyFile} (a run with --anomaly-labels)`);
  // locked as a run's folder is: a report writing there meanwhile would mix two runs (issue 25)
  return withLockedOut(options.out ?? DEFAULT_OUT.audit, 'audit --from', (out) => conclude(out, options, {
    calibration: report, baseline, images, imageCount: images?.length ?? report.metrics.images,
    totalMs: ms?.length ? ms.reduce((a, b) => a + b, 0) : null, slices: [], overall: {}, shift, anomaly, ...(coverage ? { extraGates: [coverage] } : {}),
  }, null), { force: options.force });
}
