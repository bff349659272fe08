/** Anomaly label PNGs: named like the image, 8-bit gray (or palette), 1 anomaly, 0 inlier, 255 outside. */
import { DEFAULT_MAX_PIXELS } from '../defaults';
import { decodeLabel } from '../image';
import type { GrayImage } from '../image/types';
import { labelPathFor, maxImageBytes, readInputFile, reasonFor } from '../run/inputs';
import { LabelError } from '../run/labels';
import { badLabelValue } from './pixel-stats';

/**
 * The anomaly label of `imageFile` from `dir`, `width` x `height` like its image. Throws a
 * LabelError naming the label (or the image when none is named like it) and the cause.
 */
export function loadAnomalyLabel(imageFile: string, dir: string, width: number, height: number, maxPixels = DEFAULT_MAX_PIXELS)
  : GrayImage & { file: string } {
  const file = labelPathFor(imageFile, dir);
  if (!file) throw new LabelError(imageFile, `no anomaly label named like it in ${dir}`);
  let label: GrayImage;
  try {
    // no palette: an RGB label is refused (anomaly labels are values, not colours)
    label = decodeLabel(readInputFile(file, maxImageBytes(maxPixels)), { file, maxPixels });
  } catch (err) {
    throw new LabelError(file, reasonFor(err, file), { cause: err });
  }
  if (label.width !== width || label.height !== height) {
    throw new LabelError(file, `anomaly label is ${label.width}x${label.height}, its image is ${width}x${height}`);
  }
  const bad = badLabelValue(label.data, label.width);
  if (bad) throw new LabelError(file, bad);
  return { ...label, file };
}
