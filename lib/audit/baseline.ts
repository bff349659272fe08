/**
 * `audit --baseline PATH`: an earlier audit's audit.json, a calibrate (or merge) run's
 * calibration.json, or the folder holding either. What a comparison needs is read from it: the
 * metrics, the run's identity (card, classes, ignore index, samples) and, where recorded, the
 * images (for the image-set check and the images that changed most) and the slices.
 */
import { existsSync, statSync } from 'fs';
import * as path from 'path';
import type { MetricSummary } from '../metrics/types';
import { metricDef, type MeasuredRun } from './metrics';
import { AUDIT_KIND, type AnomalyScores, type CalibrationReport, type ImageRecord, type ImageSetComparison, type RunIdentity, type SliceRecord } from '../report/formats';
import type { SamplesSetting } from '../report/summary';
import { samplesLabel } from '../report/samples-html';
import { FileError } from '../errors';
import { readJsonAs, readJsonFile } from '../json-file';
import type { GateSpec } from './gates';
import { shiftRowsBeside } from '../shift/result';
import { checkFile } from '../schema';
import { auditSchema, calibrationSchema, summarySchema } from '../report/format-schemas';




export interface Baseline {
  /** the JSON file read */
  readonly file: string;
  readonly kind: 'audit' | 'calibration';
  readonly identity: RunIdentity;
  readonly run: MeasuredRun;
  /** null when the baseline lists no images (a merged calibration without its summary.json) */
  readonly images: readonly ImageRecord[] | null;
  readonly slices: readonly SliceRecord[] | null;
}

const readJson = (file: string): unknown => readJsonFile(file, { flag: '--baseline' });
/** a summary.json beside a baseline, checked as one (its images feed the image-set comparison) */
const readSummaryJson = (file: string): { images: SummaryImage[] } => readJsonAs(file, summarySchema, { flag: '--baseline' }) as { images: SummaryImage[] };

/** The JSON file a --baseline path names: the file itself, else audit.json, else calibration.json in the folder. */
export function baselineFile(input: string): string {
  let isDir = false;
  try {
    isDir = statSync(input).isDirectory();
  } catch {
    throw new FileError(input, 'no such file or folder', { flag: '--baseline' });
  }
  if (!isDir) return input;
  for (const name of ['audit.json', 'calibration.json']) if (existsSync(path.join(input, name))) return path.join(input, name);
  throw new FileError(input, 'the folder holds neither audit.json nor calibration.json (give an audit or calibrate output folder)', { flag: '--baseline' });
}

/** The images of a report's summary.json, compactly; null when there is none. */
export function imagesOfSummary(file: string): ImageRecord[] | null {
  if (!existsSync(file)) return null;
  return imageRecordsOf(readSummaryJson(file).images);
}

/** What an image record reads of a summary.json image entry. */
export interface SummaryImage {
  readonly file: string;
  readonly sha256?: string;
  readonly meanEntropy?: number;
  readonly metrics?: { readonly meanIoU?: number | null };
}

/** summary.json's images as a comparison reads them. */
export function imageRecordsOf(images: readonly SummaryImage[]): ImageRecord[] {
  return images.map((i) => ({
    name: path.basename(i.file), sha256: i.sha256 ?? null, meanIoU: i.metrics?.meanIoU ?? null, meanEntropy: i.meanEntropy ?? null,
  }));
}

/** The sampling times of a summary.json's images; null without it. */
export function timesOfSummary(file: string): number[] | null {
  if (!existsSync(file)) return null;
  return readSummaryJson(file).images.map((i) => (i as { ms?: number }).ms).filter((v): v is number => typeof v === 'number');
}

function msOfSummary(file: string): number | null {
  const ms = timesOfSummary(file);
  return ms?.length ? ms.reduce((a, b) => a + b, 0) / ms.length : null;
}

interface CalibrationShape {
  schemaVersion?: number; model?: { name?: string }; classes?: string[]; ignoreIndex?: number | null; samples?: SamplesSetting; metrics?: MetricSummary;
}
interface AuditShape {
  kind?: string; schemaVersion?: number; run?: RunIdentity; metrics?: MetricSummary; msPerImage?: number | null;
  imageRecords?: ImageRecord[]; slices?: SliceRecord[]; anomaly?: AnomalyScores;
}

export function readBaseline(input: string): Baseline {
  const file = baselineFile(input);
  const raw = readJson(file);
  if (typeof raw !== 'object' || raw === null) throw new FileError(file, 'not a segnet-uq audit.json or calibration.json', { flag: '--baseline' });
  const a = raw as AuditShape;
  if (a.kind === AUDIT_KIND) {
    if (!a.run || !a.metrics) throw new FileError(file, 'this audit.json records no metrics (made with --from an older file?)', { flag: '--baseline' });
    checkFile(file, raw, auditSchema, { flag: '--baseline' });
    return {
      file, kind: 'audit', identity: a.run, run: { metrics: a.metrics, classes: a.run.classes, msPerImage: a.msPerImage ?? null, shift: shiftRowsBeside(file), anomaly: a.anomaly ?? null },
      images: a.imageRecords ?? null, slices: a.slices ?? null,
    };
  }
  const c = raw as CalibrationShape;
  if (c.metrics && Array.isArray(c.classes) && c.samples !== undefined) {
    checkFile(file, raw, calibrationSchema, { flag: '--baseline' });
    const summary = path.join(path.dirname(file), 'summary.json');
    return {
      file, kind: 'calibration',
      identity: { card: c.model?.name ?? '', classes: c.classes, ignoreIndex: c.ignoreIndex ?? null, samples: c.samples },
      run: { metrics: c.metrics, classes: c.classes, msPerImage: msOfSummary(summary), shift: shiftRowsBeside(file) }, images: imagesOfSummary(summary), slices: null,
    };
  }
  if ((raw as { schemaVersion?: number }).schemaVersion !== undefined && !('kind' in raw)) {
    throw new FileError(file, 'an audit.json of an older segnet-uq (no metrics recorded); rerun the baseline audit, or give its calibration.json', { flag: '--baseline' });
  }
  throw new FileError(file, 'not a segnet-uq audit.json or calibration.json', { flag: '--baseline' });
}

export interface BaselineComparison {
  /** differences that make the comparison meaningless: the audit stops (exit 2) */
  readonly errors: readonly string[];
  /** differences to know about (the image set, unless strict) */
  readonly warnings: readonly string[];
  /** images in one run and not the other, by name; changed: same name, other bytes */
  readonly imageSet: ImageSetComparison | null;
}

const listed = (names: readonly string[], max = 5): string =>
  `${names.slice(0, max).join(', ')}${names.length > max ? ` and ${names.length - max} more` : ''}`;

/** The identity checks; images: the current run's, null when unknown. */
export function compareIdentity(baseline: RunIdentity, current: RunIdentity): string[] {
  const errors: string[] = [];
  if (baseline.card !== current.card) errors.push(`model card: baseline '${baseline.card}', this run '${current.card}'`);
  if (JSON.stringify(baseline.classes) !== JSON.stringify(current.classes)) {
    errors.push(`class list: baseline [${baseline.classes.join(', ')}], this run [${current.classes.join(', ')}]`);
  }
  if (baseline.ignoreIndex !== current.ignoreIndex) errors.push(`ignore index: baseline ${baseline.ignoreIndex ?? 'none'}, this run ${current.ignoreIndex ?? 'none'}`);
  if (JSON.stringify(baseline.samples) !== JSON.stringify(current.samples)) {
    errors.push(`sample count: baseline ${samplesLabel(baseline.samples)}, this run ${samplesLabel(current.samples)} (uncertainty and calibration depend on it)`);
  }
  return errors;
}

/** The identity of a calibrate (or merge) run, from its calibration.json. */
export function identityOfCalibration(c: CalibrationReport): RunIdentity {
  return { card: c.model.name, classes: c.classes, ignoreIndex: c.ignoreIndex, samples: c.samples };
}

/** The --baseline `file` (none: null), refused before any work when it cannot be compared with `current`. */
export function comparableBaseline(file: string | undefined, current: RunIdentity, gates: readonly GateSpec[] = []): Baseline | null {
  if (!file) return null;
  const baseline = readBaseline(file);
  const errors = compareIdentity(baseline.identity, current);
  if (errors.length) throw new RangeError(`--baseline ${baseline.file} was made with another ${errors.join('; another ')}: the runs cannot be compared`);
  // a change gate on a metric the baseline lacks could only break after the whole run: say so first
  for (const g of gates) {
    if (g.kind !== 'max-drop' && g.kind !== 'max-rise') continue;
    const def = metricDef(g.metric, baseline.run.classes);
    if (def.read(baseline.run) === null) {
      throw new FileError(baseline.file, `records no ${def.label} (${g.metric} is null or absent) for --${g.kind} ${g.metric} to compare with`, { flag: '--baseline' });
    }
  }
  return baseline;
}

/** Compares a baseline with the current run; strict makes an image-set difference an error. */
export function compareWithBaseline(baseline: Baseline, current: RunIdentity, images: readonly ImageRecord[] | null, strict: boolean): BaselineComparison {
  const errors = compareIdentity(baseline.identity, current).map((e) => `--baseline ${baseline.file} was made with another ${e}`);
  const warnings: string[] = [];
  let imageSet: BaselineComparison['imageSet'] = null;
  if (baseline.images && images) {
    const before = new Map(baseline.images.map((i) => [i.name, i]));
    const now = new Map(images.map((i) => [i.name, i]));
    const onlyBaseline = [...before.keys()].filter((n) => !now.has(n)).sort();
    const onlyCurrent = [...now.keys()].filter((n) => !before.has(n)).sort();
    const changed = [...now.keys()].filter((n) => {
      const b = before.get(n)?.sha256, c = now.get(n)?.sha256;
      return b && c && b !== c;
    }).sort();
    imageSet = { onlyBaseline, onlyCurrent, changed };
    const parts = [
      onlyBaseline.length ? `${onlyBaseline.length} only in the baseline (${listed(onlyBaseline)})` : '',
      onlyCurrent.length ? `${onlyCurrent.length} only in this run (${listed(onlyCurrent)})` : '',
      changed.length ? `${changed.length} with other content (${listed(changed)})` : '',
    ].filter(Boolean);
    if (parts.length) {
      const text = `--baseline ${baseline.file}: the image sets differ: ${parts.join('; ')}`;
      if (strict) errors.push(`${text} (--strict)`);
      else warnings.push(text);
    }
  } else if (!baseline.images) {
    warnings.push(`--baseline ${baseline.file} lists no images: the image sets could not be compared`);
  }
  return { errors, warnings, imageSet };
}
