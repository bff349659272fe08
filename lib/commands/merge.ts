/**
 * `segnet-uq merge`: the shards of one run (folders written with --shard, each with shard.json)
 * merged into the outputs one run over every image writes (lib/shard/merge); or, for runs made
 * without --shard over disjoint image sets, their calibration.json files added up.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { insideOutput, writeFileAtomic } from '../atomic';
import { FileError } from '../errors';
import { DEFAULT_OUT } from '../defaults';
import { calibrationSectionHtml } from '../report/calibration-html';
import { escapeHtml, pageHtml } from '../report/html';
import { SHARD_FILE } from '../shard/manifest';
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

const folderOf = (input: string): string => (input.endsWith('.json') ? path.dirname(input) : input);

/**
 * OUT must not be an input nor another run's output folder: `merge A B C` names OUT first, and
 * the older `merge A B --out X` form must not end up writing into A.
 */
function checkOut(out: string, inputs: readonly string[]): void {
  if (inputs.some((i) => path.resolve(folderOf(i)) === out)) throw new RangeError(`the output folder ${out} is also an input: name another (OUT comes first: merge OUT SHARD_DIRS...)`);
  if (existsSync(path.join(out, SHARD_FILE))) throw new RangeError(`the output folder ${out} holds a shard's run (shard.json): name another (OUT comes first: merge OUT SHARD_DIRS...)`);
  const calibration = path.join(out, 'calibration.json');
  if (existsSync(calibration)) {
    let mergedBefore = false;
    try {
      mergedBefore = 'mergedFrom' in (JSON.parse(readFileSync(calibration, 'utf8')) as object);
    } catch {
      // unreadable: not a merge's output either
    }
    if (!mergedBefore) throw new RangeError(`the output folder ${out} holds a run's calibration.json: name another (OUT comes first: merge OUT SHARD_DIRS...)`);
  }
}

/** Merges the runs into OUT; throws naming the file or folder when they do not add up. */
export function runMerge(options: MergeOptions): ShardMergeResult {
  if (!Array.isArray(options.inputs) || options.inputs.length < 1) {
    throw new RangeError(`merge needs the folders to merge, got ${JSON.stringify(options.inputs)}`);
  }
  const out = path.resolve(options.out ?? DEFAULT_OUT.merge);
  checkOut(out, options.inputs);
  const sharded = options.inputs.filter((i) => existsSync(path.join(folderOf(i), SHARD_FILE)));
  if (sharded.length > 0) {
    const plain = options.inputs.find((i) => !sharded.includes(i));
    if (plain !== undefined) throw new FileError(plain, `no shard.json, while ${sharded[0]} is a --shard run: merge shards of one run, or runs made without --shard`);
    return mergeShards({ inputs: options.inputs.map(folderOf), out, copy: options.copy, allowPartial: options.allowPartial, card: options.card });
  }
  if (options.inputs.length < 2) throw new RangeError(`merge needs two or more calibration.json files, got ${JSON.stringify(options.inputs)}`);
  const seen = new Set<string>();
  for (const input of options.inputs) {
    const resolved = path.resolve(input.endsWith('.json') ? input : path.join(input, 'calibration.json'));
    if (seen.has(resolved)) throw new RangeError(`${resolved} is given twice: its images would count twice`);
    seen.add(resolved);
  }
  const fold = foldCalibrations(options.inputs);
  const { first, runs } = fold;
  const card = mergeCard(first.report.model.card, options.card, first.report.classes, first.file);
  const merged = mergeCalibrations(fold, out, card);
  writeFileAtomic(insideOutput(out, 'index.html'), pageHtml('segnet-uq merged calibration', `<h1>segnet-uq calibration, ${runs.length} runs merged</h1>
<ul>${runs.map((r) => `<li><code>${escapeHtml(path.resolve(r.file))}</code>: ${r.images} labelled images</li>`).join('')}</ul>
${calibrationSectionHtml(merged, card)}`));
  return { out, shards: { count: 0, by: 'none', merged: [], missing: [] }, calibration: merged };
}
