/**
 * The numbers an audit keeps of one labelled image: its IoU and accuracy, mean uncertainties,
 * the confident-but-wrong share, and the image properties the slices group by. Computed at the
 * label's resolution from the maps the report scored; nothing of the image is kept but these.
 */
import type { GrayImage, RgbImage } from '../image/types';
import type { UncertaintyMaps } from '../engine/types';
import { addToConfusion, createConfusion } from '../metrics/confusion';
import { globalAccuracy, meanIoU } from '../metrics/segmentation';
import type { ConfusionMatrix } from '../metrics/types';

/** Confidence above which a wrong pixel counts as confidently wrong. */
export const CONFIDENT = 0.9;

export interface ImageProperties {
  /** mean luminance (Rec. 601), 0..1 */
  readonly brightness: number;
  /** standard deviation of the luminance, 0..0.5 */
  readonly contrast: number;
  /** mean absolute 4-neighbour Laplacian of the luminance, 0..1 (higher: sharper) */
  readonly sharpness: number;
  /** width * height */
  readonly size: number;
}

export interface ImageStats {
  readonly file: string;
  readonly confusion: ConfusionMatrix;
  readonly meanIoU: number | null;
  readonly globalAccuracy: number | null;
  readonly meanEntropy: number;
  readonly meanMutualInformation: number;
  /** labelled pixels predicted wrongly */
  readonly wrongPixels: number;
  /** share of the wrong pixels whose confidence is above CONFIDENT (0 when none is wrong) */
  readonly confidentWrong: number;
  readonly properties: ImageProperties;
}

/** Brightness, contrast, sharpness and size of an RGB image. */
export function imageProperties(image: RgbImage): ImageProperties {
  const { width: w, height: h, data } = image;
  const n = w * h;
  const lum = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = (0.299 * data[3 * i] + 0.587 * data[3 * i + 1] + 0.114 * data[3 * i + 2]) / 255;
    lum[i] = y;
    sum += y;
  }
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (lum[i] - mean) ** 2;
  let lap = 0, inner = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      lap += Math.abs(4 * lum[i] - lum[i - 1] - lum[i + 1] - lum[i - w] - lum[i + w]);
      inner++;
    }
  }
  return { brightness: mean, contrast: n ? Math.sqrt(sq / n) : 0, sharpness: inner ? lap / inner / 4 : 0, size: n };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The stats of one image; maps at the label's resolution. */
export function imageStats(file: string, image: RgbImage, maps: UncertaintyMaps, label: GrayImage, ignoreIndex: number | null): ImageStats {
  const confusion = createConfusion(maps.numClasses);
  addToConfusion(confusion, label.data, maps.predicted, ignoreIndex ?? undefined);
  let wrong = 0, confidentWrong = 0, entropy = 0, mi = 0;
  const n = label.data.length;
  for (let i = 0; i < n; i++) {
    entropy += maps.predictiveEntropy[i];
    mi += maps.mutualInformation[i];
    const l = label.data[i];
    if (l === ignoreIndex || l === maps.predicted[i]) continue;
    wrong++;
    if (maps.confidence[i] > CONFIDENT) confidentWrong++;
  }
  return {
    file, confusion, meanIoU: finite(meanIoU(confusion)), globalAccuracy: finite(globalAccuracy(confusion)),
    meanEntropy: n ? entropy / n : 0, meanMutualInformation: n ? mi / n : 0,
    wrongPixels: wrong, confidentWrong: wrong ? confidentWrong / wrong : 0, properties: imageProperties(image),
  };
}
