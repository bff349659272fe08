/**
 * summary.json of the shards of one report (report, calibrate, audit): every image in the order
 * one run lists them, its map links pointing into the shard folders (or into copies with
 * `copy`), and the label metrics from the summed confusion counts, which are integers and add up
 * exactly to one run's.
 */
import { shardSummarySchema } from '../report/format-schemas';
import { cpSync, mkdirSync, realpathSync } from 'fs';
import * as path from 'path';
import type { ImageOutputs } from '../report/image-outputs';
import { labelMetrics, withImageCounts } from '../report/label-metrics';
import { rankImages } from '../report/ranking';
import { createConfusion } from '../metrics/confusion';
import { insideOutput } from '../atomic';
import type { ReportImage, ReportSummary } from '../report/summary';
import { SCHEMA_VERSION } from '../report/summary';
import { fileHeader } from '../report/file-header';
import { compareImageKeys, type ImageKey } from './assign';
import { readResult, type LoadedShard } from './merge-checks';
import { FileError } from '../errors';
import { conformalMetrics } from '../conformal/apply';

export function readSummary(dir: string): ReportSummary {
  const summary = readResult<ReportSummary>(dir, 'summary.json', SCHEMA_VERSION, shardSummarySchema);
  const file = path.join(dir, 'summary.json');
  if (!summary.complete) throw new FileError(file, "the shard's run did not finish (complete: false); rerun that shard (report --resume continues it)");
  summary.images.forEach((image, i) => {
    for (const [field, rel] of outputPaths(image)) checkInsideShard(dir, rel, file, `images[${i}].outputs.${field}`);
  });
  return summary;
}

/** An image's output paths with their field names (the .npy ones under npy.NAME). */
function outputPaths(image: ReportImage): [string, string][] {
  return Object.entries(image.outputs ?? {}).flatMap(([k, v]: [string, unknown]) => (typeof v === 'string' ? [[k, v] as [string, string]]
    : Object.entries((v ?? {}) as Record<string, string>).map(([n, r]) => [`${k}.${n}`, r] as [string, string])));
}

/**
 * A path a shard's summary.json records must be relative, normalised and inside the shard folder,
 * also through symlinks: merge links or copies it, and `../secret` copied a folder beside the
 * shard into OUT (issue 25). Refused before anything is written.
 */
function checkInsideShard(dir: string, rel: string, file: string, field: string): void {
  const fail = (why: string): never => { throw new FileError(file, `${field} ${JSON.stringify(rel)} ${why}: a shard's outputs lie inside its folder`); };
  if (rel === '' || path.posix.isAbsolute(rel) || path.win32.isAbsolute(rel) || rel.includes('\\') || rel.includes('\0')) fail('is not a relative path');
  if (path.posix.normalize(rel) !== rel || rel.split('/').some((part) => part === '..' || part === '.')) fail('is not a normalised path inside the folder');
  let real: string;
  try {
    real = realpathSync(path.join(dir, rel));
  } catch {
    return; // missing: the page shows it missing; nothing is read or copied from outside
  }
  const root = realpathSync(dir);
  if (!real.startsWith(root + path.sep)) fail('leads out of the folder through a symlink');
}

/** A shard image's place in the merged run. */
export interface PlacedImage {
  readonly key: ImageKey;
  readonly shard: number;
  readonly image: ReportImage;
}

/** Every image of the shards with its key, sorted into the order one run lists them. */
export function placeImages(shards: readonly LoadedShard[], summaries: readonly ReportSummary[]): PlacedImage[] {
  const placed: PlacedImage[] = [];
  shards.forEach((s, i) => {
    const keys = new Map(s.manifest.images.map((m) => [m.file, { root: m.root, key: m.key }]));
    for (const image of summaries[i].images) {
      const key = keys.get(image.file);
      if (!key) throw new FileError(s.dir, `summary.json lists ${image.file}, which its shard.json does not: the folder mixes two runs`);
      placed.push({ key, shard: s.manifest.shard.index, image });
    }
  });
  return placed.sort((a, b) => compareImageKeys(a.key, b.key));
}

const posix = (p: string): string => p.split(path.sep).join('/');

/** The image entry of the merged summary: a unique id, and outputs relative to OUT. */
function relinked(p: PlacedImage, dir: string, out: string, copy: boolean): ReportImage {
  const id = `s${p.shard}-${p.image.id}`;
  if (!p.image.outputs) return { ...p.image, id };
  let base: string;
  if (copy) {
    base = `shard-${p.shard}`;
    for (const rel of new Set(outputPaths(p.image).map(([, r]) => r))) {
      const target = insideOutput(out, base, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      cpSync(path.join(dir, rel), target, { dereference: false });
    }
  } else base = posix(path.relative(out, dir));
  const moved = (v: unknown): unknown => (typeof v === 'string' ? `${base}/${v}` : Object.fromEntries(Object.entries(v as Record<string, string>).map(([n, r]) => [n, `${base}/${r}`])));
  const outputs = Object.fromEntries(Object.entries(p.image.outputs).map(([k, v]) => [k, moved(v)])) as unknown as ImageOutputs;
  return { ...p.image, id, outputs };
}

/**
 * The merged summary (not yet written): images in run order, errors of every shard, metrics from the
 * summed counts, and, when the shards were ranked, the ranking of all their images.
 */
export function mergeSummaries(shards: readonly LoadedShard[], summaries: readonly ReportSummary[], out: string, copy: boolean,
  extra: Record<string, unknown>): ReportSummary {
  const first = summaries[0];
  const placed = placeImages(shards, summaries);
  const dirOf = new Map(shards.map((s) => [s.manifest.shard.index, s.dir]));
  const images = placed.map((p) => relinked(p, dirOf.get(p.shard) as string, out, copy));
  const perClass = summaries.find((s) => s.metrics)?.metrics?.perClass as { readonly class: string }[] | undefined;
  const labelled = images.filter((i) => i.metrics?.confusion);
  let metrics: ReportSummary['metrics'];
  if (perClass && labelled.length > 0) {
    let confusion = createConfusion(perClass.length);
    for (const i of labelled) confusion = withImageCounts(confusion, i.metrics?.confusion as number[]);
    // --conformal's numbers are means over the images' records: recomputed over every shard's
    const conformal = conformalMetrics(images, perClass.map((c) => c.class));
    metrics = { ...labelMetrics(confusion, perClass.map((c) => c.class)), ...(conformal ? { conformal } : {}) };
  }
  // a shard's ranking covers its own images only: rank the merged run with the same settings
  const asked = first.ranking;
  const ranking = asked ? rankImages(images, { by: asked.by, reduction: asked.reduction, top: asked.top }) : undefined;
  return {
    ...first,
    // the merging tool's version and time, in the header's place (first's keys keep their order)
    ...fileHeader(SCHEMA_VERSION),
    complete: true,
    images,
    errors: summaries.flatMap((s) => s.errors),
    warnings: [...new Set(summaries.flatMap((s) => s.warnings))],
    ...(metrics ? { metrics } : {}),
    ...(ranking ? { ranking } : {}),
    ...extra,
  };
}
