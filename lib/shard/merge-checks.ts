/**
 * What merge refuses before it adds anything up, each with a message naming the folders: an
 * output folder that is an input or another run's, a folder without shard.json, shards of other
 * splits or settings, a shard given twice, an image in two shards (or in a shard it does not
 * hash to), missing shards (unless allowed), and a calibration.json given twice.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { shardOfDigest, shardOfText } from './assign';
import { comparableSettings, readShardManifest, SHARD_FILE, type ShardManifest } from './manifest';
import { FileError } from '../errors';
import { readJsonAs, readJsonFile } from '../json-file';
import { summarySchema } from '../report/format-schemas';
import { checkFile, type Check } from '../schema';

export interface LoadedShard {
  readonly dir: string;
  readonly manifest: ShardManifest;
  /** the result files the folder holds (summary.json, calibration.json, samples.json, audit.json, shift.json) */
  readonly outputs: readonly string[];
}

/** The result files merge knows, in the order it merges them. */
export const RESULT_FILES = ['summary.json', 'calibration.json', 'samples.json', 'audit.json', 'conformal.json', 'shift.json', 'anomaly.json'] as const;

export function loadShard(dir: string): LoadedShard {
  const manifest = readShardManifest(dir);
  if (!manifest) throw new FileError(dir, 'no shard.json: not the output folder of a --shard run (runs made without --shard merge by their calibration.json alone)');
  return { dir, manifest, outputs: RESULT_FILES.filter((f) => existsSync(path.join(dir, f))) };
}

const show = (v: unknown): string => {
  const t = JSON.stringify(v) ?? 'none';
  return t.length > 100 ? `${t.slice(0, 97)}...` : t;
};

/** Same split, same settings, same kind of run; throws naming the first folder that differs. */
export function checkAlike(shards: readonly LoadedShard[]): void {
  const first = shards[0];
  const a = first.manifest;
  for (const s of shards.slice(1)) {
    const b = s.manifest;
    const where = `${s.dir} differs from ${first.dir}`;
    if (b.shard.count !== a.shard.count) throw new Error(`${where}: split into ${b.shard.count} shards, not ${a.shard.count}`);
    if (b.shard.by !== a.shard.by) throw new Error(`${where}: images assigned by ${b.shard.by}, not ${a.shard.by}`);
    if (b.totalImages !== a.totalImages) {
      throw new Error(`${where}: its listing held ${b.totalImages} images, not ${a.totalImages}: the input changed between shards (or other inputs were given)`);
    }
    if (b.inputs.length !== a.inputs.length) throw new Error(`${where}: ${b.inputs.length} inputs, not ${a.inputs.length}`);
    const x = comparableSettings(a.settings);
    const y = comparableSettings(b.settings);
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
    if (keys.length > 0) {
      throw new Error(`${where} in ${keys.map((k) => `${k} (${show(y[k])}, not ${show(x[k])})`).join(', ')}: only shards of one run's settings can be merged`);
    }
    if (JSON.stringify(s.outputs) !== JSON.stringify(first.outputs)) {
      throw new Error(`${where}: it holds ${s.outputs.join(', ') || 'no result'}, not ${first.outputs.join(', ')}: shards of different commands`);
    }
  }
}

/**
 * Shard indices given once each, every image in one shard only and in the shard its key (or
 * content) hashes to. Returns the missing indices.
 */
export function checkPartition(shards: readonly LoadedShard[]): number[] {
  const byIndex = new Map<number, string>();
  const owner = new Map<string, string>();
  const byContent = new Map<string, { key: string; dir: string }>();
  for (const s of shards) {
    const { index, count } = s.manifest.shard;
    const seen = byIndex.get(index);
    if (seen !== undefined) throw new Error(`shard ${index}/${count} is given twice: ${seen} and ${s.dir} (a duplicated shard would count its images twice)`);
    byIndex.set(index, s.dir);
    for (const image of s.manifest.images) {
      const id = `${image.root}\0${image.key}`;
      const other = owner.get(id);
      if (other !== undefined) throw new Error(`${image.key} is in two shards: ${other} and ${s.dir}; each image must be in one shard only`);
      owner.set(id, s.dir);
      if (image.sha256 !== null) {
        const twin = byContent.get(image.sha256);
        if (twin !== undefined && twin.dir !== s.dir) {
          throw new FileError(s.dir, `${image.key} has the same content (sha256 ${image.sha256.slice(0, 12)}...) as ${twin.key} in ${twin.dir}: it would be counted twice; remove the copy from the inputs`);
        }
        byContent.set(image.sha256, { key: image.key, dir: s.dir });
      }
      const expected = s.manifest.shard.by === 'content'
        ? (image.sha256 === null ? null : shardOfDigest(image.sha256, count))
        : shardOfText(image.key, count);
      if (expected !== null && expected !== index) {
        throw new FileError(s.dir, `${image.key} hashes to shard ${expected} of ${count}, not ${index}: this folder was not made by 'segnet-uq --shard ${index}/${count}' over the same inputs`);
      }
    }
  }
  const count = shards[0].manifest.shard.count;
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  return missing;
}

/** Throws naming the missing shards, unless a partial merge is allowed. */
export function checkComplete(shards: readonly LoadedShard[], missing: readonly number[], allowPartial: boolean): void {
  if (missing.length === 0 || allowPartial) return;
  const count = shards[0].manifest.shard.count;
  throw new Error(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (${shards.length} of ${count} given); `
    + 'pass every shard folder, or --allow-partial to merge anyway (the outputs then say which are missing)');
}

/** The folder of a merge input: a shard or run folder, or the folder of its calibration.json. */
export const folderOf = (input: string): string => (input.endsWith('.json') ? path.dirname(input) : input);

/**
 * OUT must not be an input nor another run's output folder: `merge A B C` names OUT first, and
 * the older `merge A B --out X` form must not end up writing into A.
 */
export function checkMergeOut(out: string, inputs: readonly string[]): void {
  if (inputs.some((i) => path.resolve(folderOf(i)) === out)) throw new RangeError(`the output folder ${out} is also an input: name another (OUT comes first: merge OUT SHARD_DIRS...)`);
  if (existsSync(path.join(out, SHARD_FILE))) throw new RangeError(`the output folder ${out} holds a shard's run (shard.json): name another (OUT comes first: merge OUT SHARD_DIRS...)`);
  const calibration = path.join(out, 'calibration.json');
  if (existsSync(calibration)) {
    let mergedBefore = false;
    try {
      const value = readJsonFile(calibration);
      mergedBefore = typeof value === 'object' && value !== null && Object.hasOwn(value, 'mergedFrom');
    } catch {
      // unreadable: not a merge's output either
    }
    if (!mergedBefore) throw new RangeError(`the output folder ${out} holds a run's calibration.json: name another (OUT comes first: merge OUT SHARD_DIRS...)`);
  }
}

/** Runs made without --shard: each calibration.json once (one given twice would count its images twice). */
export function checkDistinctRuns(inputs: readonly string[]): void {
  const seen = new Set<string>();
  for (const input of inputs) {
    const resolved = path.resolve(input.endsWith('.json') ? input : path.join(input, 'calibration.json'));
    if (seen.has(resolved)) throw new RangeError(`${resolved} is given twice: its images would count twice`);
    seen.add(resolved);
  }
}

/**
 * Runs made without --shard: no image (by content, from the summary.json beside each
 * calibration.json) in two of them. The same photo in two folders was counted twice ('8 images'
 * from 7 distinct, issue 25); refused naming both files.
 */
export function checkDistinctImages(inputs: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const input of inputs) {
    const summary = path.join(folderOf(input), 'summary.json');
    if (!existsSync(summary)) continue;
    const { images } = readJsonAs(summary, summarySchema) as { images: { file: string; sha256: string }[] };
    for (const image of images) {
      const other = seen.get(image.sha256);
      if (other !== undefined) throw new FileError(summary, `${image.file} has the same content (sha256 ${image.sha256.slice(0, 12)}...) as ${other} of another run: it would be counted twice; merge runs over distinct images`);
      seen.set(image.sha256, image.file);
    }
  }
}

/**
 * A shard's result file `name` (summary.json, samples.json, audit.json) of schema version
 * `version`, checked by its schema (lib/report/format-schemas.ts); throws naming the file, and
 * the field and value that are wrong.
 */
export function readResult<T>(dir: string, name: string, version: number, schema: Check<unknown>): T {
  const file = path.join(dir, name);
  const value = readJsonFile(file) as Record<string, unknown>;
  if (!value || typeof value !== 'object' || value.schemaVersion !== version) {
    throw new FileError(file, `not a segnet-uq ${name} of schema version ${version} (found ${JSON.stringify((value as { schemaVersion?: unknown } | null)?.schemaVersion)})`);
  }
  return checkFile(file, value, schema) as T;
}
