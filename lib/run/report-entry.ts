/** A processed image as the report keeps it: its files under OUT/images/ and its summary.json entry. */
import type { ModelCard } from '../model/types';
import { writeImageOutputs, type MapScale } from '../report/image-outputs';
import { writeLabelOutputs } from '../report/label-outputs';
import { writeNpyMaps, type SaveMaps } from '../report/npy-outputs';
import { reviewFields } from '../report/review';
import type { ReportImage, ReportImageOutputs } from '../report/summary';
import type { ProcessedImage } from './image-step';

export interface EntryFiles {
  /** longest side of the PNG maps and overlays; null writes none */
  readonly mapSize: number | null;
  /** the .npy maps to write, if any */
  readonly saveMaps?: SaveMaps;
  /** [DEFAULT_MAP_SCALE] the heatmaps' colour ranges (--scale) */
  readonly scale?: MapScale;
}

/** Writes the image's files and returns its summary.json entry (`id`: its folder name). */
export function reportEntry(id: string, p: ProcessedImage, out: string, card: ModelCard, files: EntryFiles): ReportImage {
  const { prepared, result } = p;
  const maps = files.mapSize !== null ? writeImageOutputs(out, id, result.image, result.maps, card, files.mapSize, p.fullMaps, files.scale) : null;
  // with a label: the label, its error map and the errors over the entropy map, beside the maps
  const l = p.labelled;
  const png = maps && l && files.mapSize !== null
    ? { ...maps, outputs: { ...maps.outputs, ...writeLabelOutputs(out, id, l.label, l.maps, card, l.ignoreIndex, files.mapSize, maps.ranges.entropy) } }
    : maps;
  const npy = files.saveMaps ? writeNpyMaps(out, id, p.fullMaps(), files.saveMaps) : undefined;
  const written = png || npy ? { outputs: { ...png?.outputs, ...(npy ? { npy } : {}) } as ReportImageOutputs, ...(png ? { ranges: png.ranges } : {}) } : {};
  return {
    id, file: prepared.file, sha256: result.digest, width: result.image.width, height: result.image.height,
    format: prepared.format, orientation: prepared.orientation, ...p.means, samples: result.maps.samples, ms: result.ms, ...written, ...reviewFields(result.maps),
    ...(p.labelled ? { metrics: p.labelled.metrics } : {}),
  };
}
