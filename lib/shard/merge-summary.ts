/**
 * summary.json of the shards of one report (report, calibrate, audit): every image in the order
 * one run lists them, its map links pointing into the shard folders (or into copies with
 * `copy`), and the label metrics from the summed confusion counts, which are integers and add up
 * exactly to one run's.
 */
import { shardSummarySchema } from '../report/format-schemas';
import { cpSync } from 'fs';
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
  if (!summary.complete) throw new FileError(path.join(dir, 'summary.json'), "the shard's run did not finish (complete: false); rerun that shard (report --resume continues it)");
  return summary;
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
    for (const rel of new Set(Object.values(p.image.outputs).map((r) => path.dirname(r)))) {
      cpSync(path.join(dir, rel), insideOutput(out, base, rel), { recursive: true });
    }
  } else base = posix(path.relative(out, dir));
  const outputs = Object.fromEntries(Object.entries(p.image.outputs).map(([k, rel]) => [k, `${base}/${rel}`])) as unknown as ImageOutputs;
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
