/**
 * Assigns every listed image to one shard by a stable hash: of its path relative to the input
 * root it was found under (the default), or of its bytes (`--shard-by content`). Every shard
 * lists the whole input and keeps its own part, so the assignment depends on neither the listing
 * order nor the machine (absolute paths, path separators) nor on any other shard.
 */
import { createHash } from 'crypto';
import { statSync } from 'fs';
import * as path from 'path';
import { naturalCompare } from '../natural-order';
import { maxImageBytes, readInputFile, type InputListing } from '../run/inputs';
import { DEFAULT_MAX_PIXELS } from '../defaults';
import type { ShardSpec } from './spec';

/** Where an input sits: the index of the root it was found under and its path relative to it. */
export interface ImageKey {
  /** index into the command's inputs */
  readonly root: number;
  /** relative to that root with '/' separators (a file given by name: its base name) */
  readonly key: string;
}

/** The root and relative key of each file of a listing of `inputs` (listInputs' output). */
export function keysOf(files: readonly string[], inputs: readonly string[]): ImageKey[] {
  const dirs = inputs.map((input) => {
    try {
      return statSync(input).isDirectory();
    } catch {
      return false;
    }
  });
  return files.map((file) => {
    for (let root = 0; root < inputs.length; root++) {
      if (!dirs[root]) {
        if (file === inputs[root]) return { root, key: path.basename(file) };
        continue;
      }
      const rel = path.relative(inputs[root], file);
      if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return { root, key: rel.split(path.sep).join('/') };
    }
    return { root: -1, key: file.split(path.sep).join('/') };
  });
}

/**
 * The order one run over every image lists them in: by root, then folder by folder in natural
 * order (listInputs sorts each folder's names and descends into a folder where its name sorts).
 */
export function compareImageKeys(a: ImageKey, b: ImageKey): number {
  if (a.root !== b.root) return a.root - b.root;
  const x = a.key.split('/');
  const y = b.key.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = naturalCompare(x[i], y[i]);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/** The shard of a key among `count`: the first 48 bits of its sha256, modulo the count. */
export function shardOfText(text: string, count: number): number {
  return shardOfDigest(createHash('sha256').update(text, 'utf8').digest('hex'), count);
}

/** The shard of a hex digest: its first 48 bits modulo the count. */
export function shardOfDigest(hexDigest: string, count: number): number {
  return parseInt(hexDigest.slice(0, 12), 16) % count;
}

/** A listing's images and errors (listInputs' InputListing, what sharding reads of it) with their keys. */
export interface ShardListing extends Pick<InputListing, 'files' | 'errors'> {
  /** the keys of `files`, in the same order */
  readonly keys: readonly ImageKey[];
  /** images in the whole listing (every shard) */
  readonly totalFiles: number;
}

/**
 * This shard's part of a listing. Listing errors are assigned by path like images, so each is
 * reported by exactly one shard. With `by: 'content'` each file is read and hashed (a file that
 * cannot be `read` goes by its path: its error then shows in one shard).
 */
export function selectShard<L extends Pick<InputListing, 'files' | 'errors'>>(listing: L, inputs: readonly string[], shard: ShardSpec | null | undefined,
  read: (file: string) => Uint8Array = (file) => readInputFile(file, maxImageBytes(DEFAULT_MAX_PIXELS))): L & ShardListing {
  const keys = keysOf(listing.files, inputs);
  if (!shard) return { ...listing, keys, totalFiles: listing.files.length };
  const files: string[] = [];
  const kept: ImageKey[] = [];
  listing.files.forEach((file, i) => {
    let owner: number;
    if (shard.by === 'content') {
      try {
        owner = shardOfDigest(createHash('sha256').update(read(file)).digest('hex'), shard.count);
      } catch {
        owner = shardOfText(keys[i].key, shard.count);
      }
    } else owner = shardOfText(keys[i].key, shard.count);
    if (owner === shard.index) {
      files.push(file);
      kept.push(keys[i]);
    }
  });
  const errorKeys = keysOf(listing.errors.map((e) => e.file), inputs);
  const errors = listing.errors.filter((_, i) => shardOfText(errorKeys[i].key, shard.count) === shard.index);
  return { ...listing, files, errors, keys: kept, totalFiles: listing.files.length };
}
