/**
 * --conformal in a report run (report, calibrate, audit): after the one per-image step, the
 * image's sets from the fitted file at the image's resolution, its record for summary.json, the
 * set-size PNG beside the other maps and, with --save-maps, set-size.npy.
 */
import { insideOutput, writeFileAtomic } from '../atomic';
import { applyColormap, encodePng } from '../image';
import { encodeNpy } from '../report/npy';
import { fitSize } from '../report/resize-maps';
import type { ReportImage, ReportImageOutputs } from '../report/summary';
import type { ProcessedImage } from '../run/image-step';
import type { EntryFiles } from '../run/report-entry';
import { applySets } from './apply';
import type { LoadedConformal } from './file';

/** Nearest-neighbour resampling of a uint8 map to width x height, as floats for the colormap. */
export function resampled(map: Uint8Array, w: number, h: number, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / height));
    for (let x = 0; x < width; x++) out[y * width + x] = map[sy * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / width))];
  }
  return out;
}

/** The set size drawn brightest: sets of 4 or more classes are rare, so 1, 2 and 3 stay apart. */
export const setSizeTop = (classes: number): number => Math.max(2, Math.min(4, classes));

/** The report entry of `p` with its conformal record and files (`entry` as reportEntry made it). */
export function withConformal(entry: ReportImage, p: ProcessedImage, conformal: LoadedConformal, out: string, files: EntryFiles): ReportImage {
  const maps = p.labelled?.maps ?? p.fullMaps();
  const { width, height } = maps;
  const label = p.labelled ? { data: p.labelled.label.data, ignoreIndex: p.labelled.ignoreIndex } : undefined;
  const { record, sizes } = applySets(conformal.sets, maps.meanProbs, width, height, label);
  const top = setSizeTop(conformal.sets.thresholds.length);
  let png: string | undefined;
  if (files.mapSize !== null) {
    const size = fitSize(width, height, files.mapSize);
    png = `images/${entry.id}/set-size.png`;
    const values = resampled(sizes, width, height, size.width, size.height);
    writeFileAtomic(insideOutput(out, png), encodePng(applyColormap(values, size.width, size.height, { min: 1, max: top, name: 'viridis' })));
  }
  let npy: string | undefined;
  if (files.saveMaps) {
    npy = `images/${entry.id}/maps/set-size.npy`;
    writeFileAtomic(insideOutput(out, npy), encodeNpy(sizes, [height, width]));
  }
  const o = entry.outputs;
  const outputs = o && (png || npy) ? { ...o, ...(png ? { setSize: png } : {}), ...(npy && o.npy ? { npy: { ...o.npy, setSize: npy } } : {}) } as ReportImageOutputs : o;
  return {
    ...entry, ...(outputs ? { outputs } : {}), ...(png && entry.ranges ? { ranges: { ...entry.ranges, setSize: [1, top] as const } } : {}),
    conformal: record,
  };
}
