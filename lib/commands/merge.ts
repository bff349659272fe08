/**
 * `segnet-uq merge`: the shards of one run (folders written with --shard, each with shard.json)
 * merged into the outputs one run over every image writes (lib/shard/merge); or, for runs made
 * without --shard over disjoint image sets, their calibration.json files added up.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { insideOutput, writeFileAtomic } from '../atomic';
import { FileError } from '../errors';
import { DEFAULT_OUT } from '../defaults';
import { mergedCalibrationHtml } from '../report/calibration-html';
import { SHARD_FILE } from '../shard/manifest';
import { checkDistinctRuns, checkMergeOut, folderOf } from '../shard/merge-checks';
import { mergeShards, type ShardMergeResult } from './merge-shards';
import { foldCalibrations, mergeCalibrations, mergeCard } from '../shard/merge-calibration';

export interface MergeOptions {
  /** shard folders, or calibration.json files (or their folders) of runs made without --shard; two or more */
  readonly inputs: readonly string[];
  /** output folder [default: DEFAULT_OUT.merge] */
  readonly out?: string;
  /** model card for class names and colours [default: the card the first run recorded] */
  readonly card?: string;
  /** [false] shard runs: copy each image's maps into OUT instead of linking into the shard folders */
  readonly copy?: boolean;
  /** [false] shard runs: merge although shards are missing (flagged in every output) */
  readonly allowPartial?: boolean;
}

/** Merges the runs into OUT; throws naming the file or folder when they do not add up. */
export function runMerge(options: MergeOptions): ShardMergeResult {
  if (!Array.isArray(options.inputs) || options.inputs.length < 1) {
    throw new RangeError(`merge needs the folders to merge, got ${JSON.stringify(options.inputs)}`);
  }
  const out = path.resolve(options.out ?? DEFAULT_OUT.merge);
  checkMergeOut(out, options.inputs);
  const sharded = options.inputs.filter((i) => existsSync(path.join(folderOf(i), SHARD_FILE)));
  if (sharded.length > 0) {
    const plain = options.inputs.find((i) => !sharded.includes(i));
    if (plain !== undefined) throw new FileError(plain, `no shard.json, while ${sharded[0]} is a --shard run: merge shards of one run, or runs made without --shard`);
    return mergeShards({ inputs: options.inputs.map(folderOf), out, copy: options.copy, allowPartial: options.allowPartial, card: options.card });
  }
  if (options.inputs.length < 2) throw new RangeError(`merge needs two or more calibration.json files, got ${JSON.stringify(options.inputs)}`);
  checkDistinctRuns(options.inputs);
  const fold = foldCalibrations(options.inputs);
  const { first, runs } = fold;
  const card = mergeCard(first.report.model.card, options.card, first.report.classes, first.file);
  const merged = mergeCalibrations(fold, out, card);
  writeFileAtomic(insideOutput(out, 'index.html'), mergedCalibrationHtml(runs, merged, card));
  return { out, shards: { count: 0, by: 'none', merged: [], missing: [] }, calibration: merged };
}
