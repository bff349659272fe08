/** Per-image PNGs of a report: class map, uncertainty heatmaps, overlay on the photo, thumbnail. */
import type { ModelCard, RgbImage, UncertaintyMaps } from '../types';
import { applyColormap, blend, classColorMap, encodePng, resizeRgbToPlanar } from '../image';
import { writeFileAtomic, insideOutput } from './atomic';
import { fitSize, resizeMaps } from './resize-maps';

/** Relative paths (from the output root) of one image's files. */
export interface ImageOutputs {
  readonly photo: string;
  readonly classMap: string;
  readonly entropy: string;
  readonly mutualInformation: string;
  readonly variance: string;
  readonly overlay: string;
  readonly thumbnail: string;
}

/** Colour-scale ranges drawn in each heatmap, for the colour bars' labels. */
export interface HeatmapRanges {
  readonly entropy: readonly [number, number];
  readonly mutualInformation: readonly [number, number];
  readonly variance: readonly [number, number];
}

export const DISPLAY_MAX_SIDE = 960;
const THUMB_MAX_SIDE = 160;

export function resizeRgb(img: RgbImage, width: number, height: number): RgbImage {
  if (img.width === width && img.height === height) return img;
  const planar = resizeRgbToPlanar(img, width, height);
  const pixels = width * height;
  const data = new Uint8Array(pixels * 3);
  for (let px = 0; px < pixels; px++) {
    for (let c = 0; c < 3; c++) {
      const v = planar[c * pixels + px];
      data[px * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return { width, height, data };
}

function maxOf(values: Float32Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/**
 * Writes the PNGs under OUT/images/NAME/. Entropy is drawn on [0, ln C] (its full range, so
 * images compare); mutual information and variance on [0, this image's max] (they are small
 * and an absolute scale would show nothing), with the range printed beside the colour bar.
 */
export function writeImageOutputs(outRoot: string, name: string, image: RgbImage, maps: UncertaintyMaps, card: ModelCard)
  : { outputs: ImageOutputs; ranges: HeatmapRanges } {
  const size = fitSize(image.width, image.height, DISPLAY_MAX_SIDE);
  const display = resizeMaps(maps, size.width, size.height);
  const photo = resizeRgb(image, size.width, size.height);
  const colors = card.classes.map((c) => c.color);
  const classes = classColorMap(display.predicted, size.width, size.height, colors);
  const ranges: HeatmapRanges = {
    entropy: [0, Math.log(maps.numClasses)],
    mutualInformation: [0, Math.max(1e-6, maxOf(display.mutualInformation))],
    variance: [0, Math.max(1e-6, maxOf(display.meanVariance))],
  };
  const heat = (values: Float32Array, range: readonly [number, number]): RgbImage =>
    applyColormap(values, size.width, size.height, { min: range[0], max: range[1], name: 'viridis' });
  const rel = (file: string): string => `images/${name}/${file}`;
  const outputs: ImageOutputs = {
    photo: rel('photo.png'), classMap: rel('classes.png'), entropy: rel('entropy.png'),
    mutualInformation: rel('mutual-information.png'), variance: rel('variance.png'), overlay: rel('overlay.png'),
    thumbnail: rel('thumbnail.png'),
  };
  const write = (relPath: string, img: RgbImage): void => writeFileAtomic(insideOutput(outRoot, relPath), encodePng(img));
  write(outputs.photo, photo);
  write(outputs.classMap, classes);
  write(outputs.entropy, heat(display.predictiveEntropy, ranges.entropy));
  write(outputs.mutualInformation, heat(display.mutualInformation, ranges.mutualInformation));
  write(outputs.variance, heat(display.meanVariance, ranges.variance));
  write(outputs.overlay, blend(photo, classes, 0.5));
  const thumb = fitSize(size.width, size.height, THUMB_MAX_SIDE);
  write(outputs.thumbnail, resizeRgb(blend(photo, classes, 0.5), thumb.width, thumb.height));
  return { outputs, ranges };
}

/** A horizontal colour bar (256 x 12) of the colormap, written once per report. */
export function writeColorBar(outRoot: string): string {
  const values = new Float32Array(256 * 12);
  for (let y = 0; y < 12; y++) for (let x = 0; x < 256; x++) values[y * 256 + x] = x / 255;
  const rel = 'assets/colorbar-viridis.png';
  writeFileAtomic(insideOutput(outRoot, rel), encodePng(applyColormap(values, 256, 12, { min: 0, max: 1, name: 'viridis' })));
  return rel;
}
