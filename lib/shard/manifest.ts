/**
 * OUT/shard.json: what one shard's folder holds, for `segnet-uq merge` to check before it adds
 * anything up: the shard id and total, how images were assigned, the settings every number
 * depends on, and each assigned image with its root, relative key and content hash.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { insideOutput, writeFileAtomic } from '../atomic';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';
import { any, arr, checkFile, count, fail, int, literal, matching, nullable, obj, record, str, type Check } from '../schema';
import { fileHeader } from '../report/file-header';
import type { ShardListing } from './assign';
import type { ShardBy, ShardSpec } from './spec';

export const SHARD_SCHEMA_VERSION = 1;
export const SHARD_FILE = 'shard.json';

export interface ShardImage {
  readonly root: number;
  readonly key: string;
  /** the path as this shard listed it */
  readonly file: string;
  /** sha256 of the bytes; null when the image could not be read or sampled (see the run's errors) */
  readonly sha256: string | null;
}

export interface ShardManifest {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
  readonly shard: { readonly index: number; readonly count: number; readonly by: ShardBy; readonly source: string };
  /** the inputs as given (roots of the keys) */
  readonly inputs: readonly string[];
  /** images in the whole listing, over every shard */
  readonly totalImages: number;
  /**
   * what the numbers depend on; merge refuses shards whose settings differ. Paths are kept for
   * the reader but only the hashes and values are compared (machines mount files elsewhere).
   */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly images: readonly ShardImage[];
}

/** Writes OUT/shard.json for a run over `listing` (selectShard's); `done` gives the hashes of the images that ran. */
export function writeShardManifest(out: string, shard: ShardSpec, inputs: readonly string[], listing: ShardListing,
  done: readonly { readonly file: string; readonly sha256: string }[], settings: Readonly<Record<string, unknown>>): ShardManifest {
  const digests = new Map(done.map((d) => [d.file, d.sha256]));
  const manifest: ShardManifest = {
    ...fileHeader(SHARD_SCHEMA_VERSION),
    shard: { index: shard.index, count: shard.count, by: shard.by, source: shard.source },
    inputs: [...inputs],
    totalImages: listing.totalFiles,
    settings,
    images: listing.files.map((file, i) => ({ root: listing.keys[i].root, key: listing.keys[i].key, file, sha256: digests.get(file) ?? null })),
  };
  writeFileAtomic(insideOutput(out, SHARD_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

const digest = nullable(matching(/^[0-9a-f]{64}$/, 'a sha256 (64 hex digits)'));

/** shard.json's schema (lib/schema.ts): an index below the count, string keys, digests. */
const manifestSchema: Check<unknown> = (v, at) => {
  const m = obj({
    shard: obj({ index: int(0, 1_000_000), count: int(1, 1_000_000), by: literal('path', 'content') }),
    inputs: arr(str), totalImages: count, settings: record(any),
    images: arr(obj({ root: int(0), key: str, file: str, sha256: digest })),
  })(v, at);
  if (m.shard.index >= m.shard.count) fail('shard.index', `below shard.count ${m.shard.count}`, m.shard.index);
  m.images.forEach((image, i) => { if (image.root >= m.inputs.length) fail(`images[${i}].root`, `below inputs.length ${m.inputs.length}`, image.root); });
  return v;
};

/** OUT/shard.json of a folder, or null when the folder has none (a run made without --shard). */
export function readShardManifest(dir: string): ShardManifest | null {
  const file = path.join(dir, SHARD_FILE);
  if (!existsSync(file)) return null;
  const raw = readJsonFile(file) as ShardManifest;
  const s = raw?.shard;
  if (!raw || typeof raw !== 'object' || !s || !Number.isInteger(s.index) || !Number.isInteger(s.count) || !Array.isArray(raw.images)) {
    throw new FileError(file, 'not a segnet-uq shard manifest');
  }
  if (raw.schemaVersion !== SHARD_SCHEMA_VERSION) {
    throw new FileError(file, `shard schema version ${JSON.stringify(raw.schemaVersion)}, this segnet-uq reads ${SHARD_SCHEMA_VERSION}: merge with the version that made it`);
  }
  checkFile(file, raw, manifestSchema);
  return raw;
}

/** Settings with file paths dropped: what must be equal across shards. */
export function comparableSettings(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && 'sha256' in v) out[k] = { sha256: (v as { sha256: unknown }).sha256 };
    else if (k === 'labels') out[k] = v === null ? null : 'given';
    else out[k] = v;
  }
  return out;
}
