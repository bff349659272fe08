/** Per-image PNGs of a report: class map, uncertainty heatmaps, overlay on the photo, thumbnail. */
import type { ModelCard } from '../model/types';
import type { RgbImage } from '../image/types';
import type { UncertaintyMaps } from '../engine/types';
import { applyColormap, blend, classColorMap, encodePng, resizeRgbToPlanar } from '../image';
import { writeFileAtomic, insideOutput } from '../atomic';
import { DEFAULT_MAP_SCALE, DEFAULT_MAP_SIZE } from '../defaults';
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
  /** the variation ratio heatmap, when the maps have one */
  readonly variationRatio?: string;
  /** with --conformal: the set-size map (lib/conformal) */
  readonly setSize?: string;
  /** with --labels: the label in class colours, the error map and the entropy map with the errors' edges (label-outputs.ts) */
  readonly label?: string;
  readonly errors?: string;
  readonly errorOverlay?: string;
}

/** How the heatmaps' colour ranges are chosen (--scale). */
export type MapScale = 'fixed' | 'image';
export const MAP_SCALES: readonly MapScale[] = ['fixed', 'image'];

/** --scale: 'fixed' or 'image', else a usage error naming the flag. */
export function checkMapScale(value: unknown): MapScale {
  if (!MAP_SCALES.includes(value as MapScale)) throw new RangeError(`--scale takes ${MAP_SCALES.join(' or ')}, got ${JSON.stringify(value)}`);
  return value as MapScale;
}

/** Colour-scale ranges drawn in each heatmap, for the colour bars' labels. */
export interface HeatmapRanges {
  /**
   * how entropy, mutual information and variance were scaled: 'fixed' (each map's full range:
   * [0, ln C], [0, ln C], [0, (1 - 1/C) / C]) or 'image' (entropy fixed, the others 0 to this
   * image's maximum); absent in reports made before --scale, which scaled per image
   */
  readonly scale?: MapScale;
  readonly entropy: readonly [number, number];
  readonly mutualInformation: readonly [number, number];
  readonly variance: readonly [number, number];
  /** [0, 1 - 1/C]: the variation ratio's full range, so images compare */
  readonly variationRatio?: readonly [number, number];
  /** with --conformal: [1, 4] (or [1, C] with fewer classes): larger sets are drawn as 4 */
  readonly setSize?: readonly [number, number];
}

/**
 * The table shows thumbnails at most this wide (CSS pixels); their PNG has twice as many, marked
 * as 2x in the page's srcset, sharp at a device-pixel ratio of 2.
 */
export const THUMB_DISPLAY_PX = 120;
const THUMB_MAX_SIDE = 2 * THUMB_DISPLAY_PX;

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

/** The images of one result, in memory (photo and maps at the display size). */
export interface RenderedImages {
  readonly photo: RgbImage;
  readonly classMap: RgbImage;
  readonly entropy: RgbImage;
  readonly mutualInformation: RgbImage;
  readonly variance: RgbImage;
  readonly overlay: RgbImage;
  readonly thumbnail: RgbImage;
  readonly variationRatio?: RgbImage;
}

/**
 * Renders the photo, class map, heatmaps and overlay at the display size (the image's, fitted
 * into `maxSide`). Entropy is drawn on [0, ln C] (its full range, so images compare). Mutual
 * information and variance, by `scale`: 'fixed' (default) on their full ranges too, [0, ln C] and
 * [0, (1 - 1/C) / C] (the mean over classes of p(1 - p), reached when the samples' one-hot
 * classes spread evenly), so two images' maps compare; 'image' on [0, this image's max], which
 * shows more detail in one image but not how two compare. The ranges are returned for the
 * colour bars' labels.
 * @param maxSide [DEFAULT_MAP_SIZE] (--map-size) longest side of the rendered images
 */
export function renderImageOutputs(image: RgbImage, maps: UncertaintyMaps, card: ModelCard, maxSide = DEFAULT_MAP_SIZE,
  fullMaps?: () => UncertaintyMaps, scale: MapScale = DEFAULT_MAP_SCALE): { images: RenderedImages; ranges: HeatmapRanges } {
  const size = fitSize(image.width, image.height, maxSide);
  // at the image's own size the display maps are the full-resolution ones the labels use: resized once
  const atFull = fullMaps && size.width === image.width && size.height === image.height;
  const display = atFull ? fullMaps() : resizeMaps(maps, size.width, size.height);
  const photo = resizeRgb(image, size.width, size.height);
  const colors = card.classes.map((c) => c.color);
  const classMap = classColorMap(display.predicted, size.width, size.height, colors);
  const c = maps.numClasses;
  const ranges: HeatmapRanges = {
    scale,
    entropy: [0, Math.log(c)],
    mutualInformation: [0, scale === 'fixed' ? Math.log(c) : Math.max(1e-6, maxOf(display.mutualInformation))],
    variance: [0, scale === 'fixed' ? (1 - 1 / c) / c : Math.max(1e-6, maxOf(display.meanVariance))],
    ...(display.variationRatio ? { variationRatio: [0, 1 - 1 / maps.numClasses] as const } : {}),
  };
  const heat = (values: Float32Array, range: readonly [number, number]): RgbImage =>
    applyColormap(values, size.width, size.height, { min: range[0], max: range[1], name: 'viridis' });
  const overlay = blend(photo, classMap, 0.5);
  const thumb = fitSize(size.width, size.height, THUMB_MAX_SIDE);
  const images: RenderedImages = {
    photo, classMap, overlay,
    entropy: heat(display.predictiveEntropy, ranges.entropy),
    mutualInformation: heat(display.mutualInformation, ranges.mutualInformation),
    variance: heat(display.meanVariance, ranges.variance),
    thumbnail: resizeRgb(overlay, thumb.width, thumb.height),
    ...(display.variationRatio && ranges.variationRatio ? { variationRatio: heat(display.variationRatio, ranges.variationRatio) } : {}),
  };
  return { images, ranges };
}

/** File names of the rendered images inside an image's folder. */
export const IMAGE_FILES: Readonly<Record<keyof RenderedImages, string>> = {
  photo: 'photo.png', classMap: 'classes.png', entropy: 'entropy.png', mutualInformation: 'mutual-information.png',
  variance: 'variance.png', overlay: 'overlay.png', thumbnail: 'thumbnail.png', variationRatio: 'variation-ratio.png',
};

/** Writes the PNGs of renderImageOutputs under OUT/images/NAME/. */
export function writeImageOutputs(outRoot: string, name: string, image: RgbImage, maps: UncertaintyMaps, card: ModelCard,
  maxSide = DEFAULT_MAP_SIZE, fullMaps?: () => UncertaintyMaps, scale: MapScale = DEFAULT_MAP_SCALE): { outputs: ImageOutputs; ranges: HeatmapRanges } {
  const { images, ranges } = renderImageOutputs(image, maps, card, maxSide, fullMaps, scale);
  const rel = (key: keyof RenderedImages): string => `images/${name}/${IMAGE_FILES[key]}`;
  const outputs: ImageOutputs = {
    photo: rel('photo'), classMap: rel('classMap'), entropy: rel('entropy'), mutualInformation: rel('mutualInformation'),
    variance: rel('variance'), overlay: rel('overlay'), thumbnail: rel('thumbnail'),
    ...(images.variationRatio ? { variationRatio: rel('variationRatio') } : {}),
  };
  for (const key of Object.keys(IMAGE_FILES) as (keyof RenderedImages)[]) {
    const img = images[key], file = outputs[key];
    if (img && file) writeFileAtomic(insideOutput(outRoot, file), encodePng(img));
  }
  return { outputs, ranges };
}

/** A horizontal colour bar (256 x 12) of the viridis colormap, low values on the left. */
export function renderColorBar(): RgbImage {
  const values = new Float32Array(256 * 12);
  for (let y = 0; y < 12; y++) for (let x = 0; x < 256; x++) values[y * 256 + x] = x / 255;
  return applyColormap(values, 256, 12, { min: 0, max: 1, name: 'viridis' });
}

/** Writes renderColorBar once per report; returns its relative path. */
export function writeColorBar(outRoot: string): string {
  const rel = 'assets/colorbar-viridis.png';
  writeFileAtomic(insideOutput(outRoot, rel), encodePng(renderColorBar()));
  return rel;
}
