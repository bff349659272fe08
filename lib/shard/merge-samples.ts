/**
 * samples.json of the shards of one `samples` run: per count, the confusion and calibration
 * statistics add up exactly; the per-image float sums (entropy, MI, ms) are added again in the
 * order one run lists the images, the order that run added them in, so every row is that run's.
 */
import { samplesSchema } from '../report/format-schemas';
import { SAMPLES_SCHEMA_VERSION, type SamplesResult } from '../report/formats';
import { fileHeader } from '../report/file-header';
import { writeSamplesOutputs } from '../report/samples-files';
import { mergeCalibrationStats } from '../metrics/calibration-stats';
import { mergeConfusion } from '../metrics/confusion';
import { compareImageKeys, type ImageKey } from './assign';
import { readResult, type LoadedShard } from './merge-checks';
import { addCountValues, countRows, type CountAccumulator, type ImageCountValues } from '../report/sample-counts';
import { readSamplesStats } from './samples-shard';

/** DIR/samples.json, checked against its schema (another run's file is untrusted). */
export const readSamplesResult = (dir: string): SamplesResult => readResult<SamplesResult>(dir, 'samples.json', SAMPLES_SCHEMA_VERSION, samplesSchema);

/** Merges the shards' samples results, writes OUT/samples.json and its charts. */
export function mergeSamples(shards: readonly LoadedShard[], out: string, extra: Record<string, unknown>): SamplesResult {
  const results = shards.map((s) => readSamplesResult(s.dir));
  const loaded = shards.map((s) => readSamplesStats(s.dir));
  const first = results[0];
  const perCount: CountAccumulator[] = first.counts.map((_, j) => {
    const confusion = loaded.map((l) => l.perCount[j].confusion).reduce((a, b) => mergeConfusion(a, b));
    const calibration = loaded.map((l) => l.perCount[j].calibration).reduce((a, b) => mergeCalibrationStats(a, b));
    return { confusion, calibration, entropy: 0, mi: 0, agree: 0, pixels: 0, ms: 0 };
  });
  const placed: { key: ImageKey; image: ImageCountValues }[] = [];
  shards.forEach((s, i) => {
    const keys = new Map(s.manifest.images.map((m) => [m.file, { root: m.root, key: m.key }]));
    for (const image of loaded[i].stats.images) {
      const key = keys.get(image.file);
      if (!key) throw new Error(`${s.dir}: samples-stats.json lists ${image.file}, which its shard.json does not: the folder mixes two runs`);
      placed.push({ key, image });
    }
  });
  placed.sort((a, b) => compareImageKeys(a.key, b.key));
  for (const { image } of placed) perCount.forEach((acc, j) => addCountValues(acc, image.values[j]));
  const images = results.reduce((n, r) => n + r.images, 0);
  const labelledImages = results.reduce((n, r) => n + r.labelledImages, 0);
  const merged: SamplesResult = {
    ...first,
    // the merging tool's version and time, in the header's place (first's keys keep their order)
    ...fileHeader(SAMPLES_SCHEMA_VERSION),
    images, labelledImages,
    rows: countRows(first.counts, perCount, images, labelledImages),
    errors: results.flatMap((r) => r.errors),
    warnings: [...new Set(results.flatMap((r) => r.warnings))],
    charts: { quality: 'samples.png', uncertainty: 'samples-uncertainty.png' },
    ...extra,
  };
  writeSamplesOutputs(out, merged);
  return merged;
}
