/**
 * OUT/conformal.json: what `segnet-uq conformal` fitted (method, risk, alpha, threshold), on what
 * (the model by content, the sample count and seed, the classes), what it measured on the
 * calibration images, and the statistics a merge of shards refits from. Read back by report,
 * calibrate, audit and serve (--conformal), which refuse a file fitted on another model or
 * sampling, naming the difference.
 */
import * as path from 'path';
import { insideOutput, writeFileAtomic } from '../atomic';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';
import { fileHeader, type FileHeader } from '../report/file-header';
import type { ReportError, ReportSettings, SamplesSetting } from '../report/summary';
import { any, arr, bool, checkFile, count, fail, int, literal, matching, nullable, num, obj, rate, str, type Check } from '../schema';
import { samplesSetting } from '../report/format-schemas';
import { MAX_SEED, shown } from '../validate';
import type { ConformalSets } from './apply';
import { parseRisk } from './crc';
import { fitConformal, type ClassFit, type ConformalFit } from './fit';
import { GRID, METHODS, type ConformalMethod } from './scores';
import { conformalStatsFromJSON, conformalStatsToJSON, type ConformalStats, type ConformalStatsJSON } from './stats';

export const CONFORMAL_SCHEMA_VERSION = 1;
export const CONFORMAL_KIND = 'segnet-uq conformal';
export const CONFORMAL_FILE = 'conformal.json';

/** What the probabilities depend on: a file applies only to runs that match it. */
export interface ConformalIdentity {
  readonly model: { readonly path: string; readonly sha256: string; readonly name: string; readonly temperature: number;
    readonly dropoutPoints: readonly { readonly tensor: string; readonly rate: number }[] };
  readonly samples: SamplesSetting;
  readonly seed: number;
  readonly classes: readonly string[];
  readonly ignoreIndex: number | null;
  /** 'flip' when the probabilities were made with --tta flip */
  readonly tta?: 'flip';
}

export interface ConformalFile extends FileHeader, ConformalIdentity {
  readonly kind: typeof CONFORMAL_KIND;
  readonly method: ConformalMethod;
  /** "miscoverage" or "fnr:CLASS" */
  readonly risk: string;
  readonly alpha: number;
  readonly mondrian: boolean;
  /** set = {c : p_c >= threshold} plus the top class (LAC; APS: 1 - mass ranked above c >= threshold); null in a shard's file (merge fits) */
  readonly threshold: number | null;
  /** Mondrian: each class's threshold in `classes` order */
  readonly classThresholds: readonly number[] | null;
  /** calibration images the risk was measured on */
  readonly images: number;
  readonly imagesNeeded: number | null;
  /** the risk on the calibration images at the threshold */
  readonly calibrationRisk: number | null;
  readonly meanSetSize: number | null;
  readonly perClass: readonly ClassFit[];
  readonly bySize: ConformalFit['bySize'];
  readonly stats: ConformalStatsJSON;
  readonly errors: readonly ReportError[];
  /** Mondrian's guard */
  readonly minClassImages: number;
  /** a shard's file: the statistics only, for `segnet-uq merge` */
  readonly shard?: boolean;
}

/** The identity of a report run (its settings) with the card's classes. */
export function identityOf(settings: ReportSettings, name: string, classes: readonly string[]): ConformalIdentity {
  return {
    model: { path: settings.model.path, sha256: settings.model.sha256, name, temperature: settings.temperature, dropoutPoints: settings.dropoutPoints },
    samples: settings.samples, seed: settings.seed, classes, ignoreIndex: settings.ignoreIndex, ...(settings.tta ? { tta: settings.tta } : {}),
  };
}

/** The fit's fields of conformal.json; a shard's file has none of them (merge fits). */
export function fitFields(fit: ConformalFit | null): Pick<ConformalFile, 'threshold' | 'classThresholds' | 'images' | 'imagesNeeded' | 'calibrationRisk' | 'meanSetSize' | 'perClass' | 'bySize'> {
  return {
    threshold: fit?.threshold ?? null, classThresholds: fit?.classThresholds ?? null, images: fit?.images ?? 0, imagesNeeded: fit?.imagesNeeded ?? null,
    calibrationRisk: fit?.calibrationRisk ?? null, meanSetSize: fit?.meanSetSize ?? null, perClass: fit?.perClass ?? [], bySize: fit?.bySize ?? null,
  };
}

/** What a fit is asked for, as conformal.json records it (and merge reads it back). */
export interface FitRequest {
  readonly method: ConformalMethod;
  readonly risk: string;
  readonly alpha: number;
  readonly mondrian: boolean;
  readonly minClassImages: number;
}

/** Fits `stats` (null for a shard's file) and makes conformal.json's content. */
export function conformalFile(stats: ConformalStats, req: FitRequest, identity: ConformalIdentity, errors: ConformalFile['errors'], shard: boolean): ConformalFile {
  const fit = shard ? null : fitConformal(stats, identity.classes, { alpha: req.alpha, risk: parseRisk(req.risk, identity.classes), mondrian: req.mondrian, minClassImages: req.minClassImages });
  return {
    ...fileHeader(CONFORMAL_SCHEMA_VERSION), kind: CONFORMAL_KIND, method: req.method, risk: req.risk, alpha: req.alpha, mondrian: req.mondrian,
    ...fitFields(fit), ...identity, stats: conformalStatsToJSON(stats), errors, minClassImages: req.minClassImages, ...(shard ? { shard: true } : {}),
  };
}

export function writeConformalFile(out: string, file: ConformalFile): void {
  writeFileAtomic(insideOutput(out, CONFORMAL_FILE), JSON.stringify(file, null, 2) + '\n');
}

/** A read conformal.json: the file, its statistics, and the sets it makes. */
export interface LoadedConformal {
  readonly file: string;
  readonly content: ConformalFile;
  readonly stats: ConformalStats;
  readonly sets: ConformalSets;
}

const conformalSchema: Check<unknown> = (v, at) => {
  const c = obj({
    kind: literal(CONFORMAL_KIND), schemaVersion: literal(CONFORMAL_SCHEMA_VERSION), method: literal(...METHODS), risk: str,
    alpha: num({ above: 0, below: 1 }), mondrian: bool, threshold: nullable(rate), classThresholds: nullable(arr(rate)), images: count,
    imagesNeeded: nullable(count), calibrationRisk: nullable(rate), meanSetSize: nullable(num({ min: 1 })),
    model: obj({ path: str, sha256: matching(/^[0-9a-f]{64}$/, 'a sha256 in hex'), name: str, temperature: num({ above: 0 }), dropoutPoints: arr(obj({ tensor: str, rate })) }),
    samples: samplesSetting, seed: int(0, MAX_SEED), classes: arr(str), ignoreIndex: nullable(int(0, 255)), minClassImages: int(1), stats: any,
    errors: arr(obj({ file: str, message: str })),
  }, { shard: bool, tta: literal('flip') })(v, at);
  if (c.classes.length === 0) fail('classes', 'a list of class names', c.classes);
  if (c.classThresholds && c.classThresholds.length !== c.classes.length) fail('classThresholds.length', `${c.classes.length} (one per class)`, c.classThresholds.length);
  if (!c.shard && c.threshold === null) fail('threshold', 'a number in [0, 1] (null only in a shard\'s file)', c.threshold);
  return c;
};

/**
 * Reads and checks OUT/conformal.json (or the one in a folder): every error names the file, the
 * field and the value. `allowShard`: a shard's file (no threshold) is accepted (merge).
 */
export function readConformalFile(input: string, options: { readonly flag?: string; readonly allowShard?: boolean } = {}): LoadedConformal {
  const file = input.endsWith('.json') ? input : path.join(input, CONFORMAL_FILE);
  const flag = options.flag === undefined ? {} : { flag: options.flag };
  const c = checkFile(file, readJsonFile(file, flag), conformalSchema, flag) as ConformalFile;
  const bad = (field: string, want: string, value: unknown): FileError => new FileError(file, `${field} must be ${want}, got ${shown(value)}`, flag);
  if (c.shard && !options.allowShard) throw new FileError(file, "a shard's statistics (no threshold): merge the shards with segnet-uq merge, then use the merged conformal.json", flag);
  let stats: ConformalStats;
  try {
    stats = conformalStatsFromJSON(c.stats);
  } catch (err) {
    throw new FileError(file, `stats is damaged (${(err as Error).message})`, { ...flag, cause: err });
  }
  if (stats.method !== c.method) throw bad('stats.method', `'${c.method}' (the file's method)`, stats.method);
  if (stats.grid.length !== GRID.length || stats.grid.some((v, i) => v !== GRID[i])) throw new FileError(file, 'made on another threshold grid (another segnet-uq version): fit it again', flag);
  const thresholds = c.classThresholds ?? c.classes.map(() => c.threshold as number);
  return { file, content: c, stats, sets: { method: c.method, thresholds } };
}

/**
 * Throws naming each difference when the file was fitted on another model, temperature, dropout,
 * sample count, seed or class list than `run`: its thresholds mean nothing for other probabilities.
 */
export function checkConformalFits(loaded: LoadedConformal, run: ConformalIdentity): void {
  const c = loaded.content;
  const diffs: string[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (c.model.sha256 !== run.model.sha256) diffs.push(`another model (sha256 ${c.model.sha256.slice(0, 12)}..., ${c.model.path}; this run's is ${run.model.sha256.slice(0, 12)}..., ${run.model.path})`);
  if (c.model.temperature !== run.model.temperature) diffs.push(`temperature ${c.model.temperature} (this run: ${run.model.temperature})`);
  if (!same(c.model.dropoutPoints, run.model.dropoutPoints)) diffs.push(`dropout ${shown(c.model.dropoutPoints)} (this run: ${shown(run.model.dropoutPoints)})`);
  if (!same(c.samples, run.samples)) diffs.push(`--samples ${shown(c.samples)} (this run: ${shown(run.samples)})`);
  if ((c.tta ?? 'none') !== (run.tta ?? 'none')) diffs.push(`--tta ${c.tta ?? 'none'} (this run: ${run.tta ?? 'none'})`);
  if (c.seed !== run.seed) diffs.push(`--seed ${c.seed} (this run: ${run.seed})`);
  if (!same(c.classes, run.classes)) diffs.push(`classes ${shown(c.classes)} (this run's card: ${shown(run.classes)})`);
  if (diffs.length) throw new FileError(loaded.file, `fitted with ${diffs.join('; ')}: its threshold holds for the probabilities it was fitted on only; fit it again for this run`, { flag: '--conformal' });
}
