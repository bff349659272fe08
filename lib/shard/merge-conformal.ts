/**
 * conformal.json of the shards of one `segnet-uq conformal` run: each shard holds its images'
 * statistics only; the merge adds them up and fits once, as one run over every image would.
 */
import * as path from 'path';
import { FileError } from '../errors';
import { CONFORMAL_FILE, conformalFile, readConformalFile, writeConformalFile, type ConformalFile, type FitRequest } from '../conformal/file';
import { mergeConformalStats } from '../conformal/stats';
import type { ReportError } from '../report/summary';
import type { LoadedShard } from './merge-checks';

const requestOf = (c: ConformalFile): FitRequest => ({ method: c.method, risk: c.risk, alpha: c.alpha, mondrian: c.mondrian, minClassImages: c.minClassImages });

/** Reads every shard's conformal.json, checks they asked for the same fit, and writes the merged, fitted file to OUT. */
export function mergeConformal(shards: readonly LoadedShard[], out: string, gaps: readonly ReportError[]): ConformalFile {
  const loaded = shards.map((s) => readConformalFile(path.join(s.dir, CONFORMAL_FILE), { allowShard: true }));
  const first = loaded[0].content;
  let stats = loaded[0].stats;
  loaded.forEach((l, i) => {
    if (JSON.stringify(requestOf(l.content)) !== JSON.stringify(requestOf(first))) {
      throw new FileError(l.file, `asked for another fit (${JSON.stringify(requestOf(l.content))}) than ${loaded[0].file} (${JSON.stringify(requestOf(first))})`);
    }
    if (i > 0) stats = mergeConformalStats(stats, l.stats);
  });
  const { model, samples, seed, classes, ignoreIndex, tta } = first;
  const merged = conformalFile(stats, requestOf(first), { model, samples, seed, classes, ignoreIndex, ...(tta ? { tta } : {}) },
    [...loaded.flatMap((l) => l.content.errors), ...gaps], false);
  writeConformalFile(out, merged);
  return merged;
}
