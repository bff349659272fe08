/**
 * `segnet-uq merge`: the shards of one run (folders written with --shard, each with shard.json)
 * merged into the outputs one run over every image writes (lib/shard/merge); or, for runs made
 * without --shard over disjoint image sets, their calibration.json files added up.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync } from 'fs';
import * as path from 'path';
import { insideOutput, TEMP_PREFIX, writeFileAtomic } from '../atomic';
import { LOCK_NAME, withLockedOut } from '../report/out-lock';
import { OUT_MARKER } from '../report/out-dir';
import { FileError } from '../errors';
import { DEFAULT_OUT } from '../defaults';
import { mergedCalibrationHtml } from '../report/calibration-html';
import { SHARD_FILE } from '../shard/manifest';
import { checkDistinctImages, checkDistinctRuns, checkMergeOut, folderOf } from '../shard/merge-checks';
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
  /** [false] write into an OUT that holds files segnet-uq did not write */
  readonly force?: boolean;
  /** [false] shard runs: merge although shards are missing (flagged in every output) */
  readonly allowPartial?: boolean;
}

/**
 * Merges the runs into OUT; throws naming the file or folder when they do not add up. OUT is
 * locked as a run's folder is (a report writing there meanwhile mixed two runs) and the merge is
 * written into a temporary folder beside it, moved in only when whole: a refused or failed merge
 * leaves OUT as it was (issue 25).
 */
export function runMerge(options: MergeOptions): ShardMergeResult {
  if (!Array.isArray(options.inputs) || options.inputs.length < 1) {
    throw new RangeError(`merge needs the folders to merge, got ${JSON.stringify(options.inputs)}`);
  }
  const out = path.resolve(options.out ?? DEFAULT_OUT.merge);
  checkMergeOut(out, options.inputs);
  const existed = existsSync(out);
  try {
    return withLockedOut(out, 'merge', () => staged(out, (stage) => ({ ...mergeInto(stage, options), out })), { force: options.force });
  } catch (err) {
    if (!existed) rmEmptyFolder(out);
    throw err;
  }
}

function rmEmptyFolder(dir: string): void {
  try {
    rmSync(path.join(dir, OUT_MARKER), { force: true });
    rmdirSync(dir);
  } catch {
    // not empty, or gone: leave it
  }
}

/**
 * `work` writes into a fresh folder beside `out` (same parent, so relative links into the
 * shards read the same from both); its entries then replace OUT's of the same name.
 */
function staged<T>(out: string, work: (stage: string) => T): T {
  const stage = mkdtempSync(path.join(path.dirname(out), `${TEMP_PREFIX}merge-${process.pid}-`));
  try {
    const result = work(stage);
    for (const name of readdirSync(stage)) {
      if (name === LOCK_NAME) continue;
      rmSync(path.join(out, name), { recursive: true, force: true });
      renameSync(path.join(stage, name), path.join(out, name));
    }
    return result;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function mergeInto(out: string, options: MergeOptions): ShardMergeResult {
  const sharded = options.inputs.filter((i) => existsSync(path.join(folderOf(i), SHARD_FILE)));
  if (sharded.length > 0) {
    const plain = options.inputs.find((i) => !sharded.includes(i));
    if (plain !== undefined) throw new FileError(plain, `no shard.json, while ${sharded[0]} is a --shard run: merge shards of one run, or runs made without --shard`);
    return mergeShards({ inputs: options.inputs.map(folderOf), out, copy: options.copy, allowPartial: options.allowPartial, card: options.card });
  }
  if (options.inputs.length < 2) throw new RangeError(`merge needs two or more calibration.json files, got ${JSON.stringify(options.inputs)}`);
  checkDistinctRuns(options.inputs);
  const fold = foldCalibrations(options.inputs);
  checkDistinctImages(options.inputs); // after the settings: runs of other settings are named as such first
  const { first, runs } = fold;
  const card = mergeCard(first.report.model.card, options.card, first.report.classes, first.file);
  const merged = mergeCalibrations(fold, out, card);
  writeFileAtomic(insideOutput(out, 'index.html'), mergedCalibrationHtml(runs, merged, card));
  return { out, shards: { count: 0, by: 'none', merged: [], missing: [] }, calibration: merged };
}
