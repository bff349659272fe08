/**
 * Labels for the commands that score against them: find the label of an image, decode it with
 * the card's palette, check its size, and bring the uncertainty maps to its resolution.
 */
import type { GrayImage } from '../image/types';
import type { MetricImageInput } from '../metrics/types';
import type { ModelCard } from '../model/types';
import type { UncertaintyMaps } from '../engine/types';
import { decodeLabel } from '../image';
import { DEFAULT_MAX_PIXELS } from '../defaults';
import { labelColors } from '../model/card';
import { resizeMaps } from '../report/resize-maps';
import { FileError } from '../errors';
import { labelPathFor, maxImageBytes, readInputFile, reasonFor } from './inputs';

/** A label that could not be used (or an image without one): a FileError (`file`, `reason`) of its own name. */
export class LabelError extends FileError {
  override name = 'LabelError';
}

/**
 * The decoded label of `imageFile` from `labelDir`, which must be `width` x `height` (the
 * image's size). Throws LabelError naming the label (or the image when no label exists).
 */
export function loadLabel(imageFile: string, labelDir: string, card: ModelCard, width: number, height: number,
  maxPixels = DEFAULT_MAX_PIXELS): GrayImage & { file: string } {
  const file = labelPathFor(imageFile, labelDir);
  if (!file) throw new LabelError(imageFile, `no label named like it in ${labelDir}`);
  let label: GrayImage;
  try {
    label = decodeLabel(readInputFile(file, maxImageBytes(maxPixels)), { file, maxPixels, ...labelColors(card) });
  } catch (err) {
    throw new LabelError(file, reasonFor(err, file), { cause: err });
  }
  if (label.width !== width || label.height !== height) {
    throw new LabelError(file, `label is ${label.width}x${label.height}, its image is ${width}x${height}`);
  }
  return { ...label, file };
}

/** The metrics' view of maps already at the label's resolution (argmax and confidence of their mean probabilities). */
export function metricImageInput(full: UncertaintyMaps, label: GrayImage): MetricImageInput {
  if (full.width !== label.width || full.height !== label.height) {
    throw new RangeError(`maps are ${full.width}x${full.height}, the label ${label.width}x${label.height}: resize them first (metricInput)`);
  }
  return {
    width: label.width, height: label.height, labels: label.data, predicted: full.predicted, confidence: full.confidence,
    probs: full.meanProbs,
    uncertainties: { entropy: full.predictiveEntropy, mutualInformation: full.mutualInformation, variance: full.meanVariance },
  };
}

/**
 * The metrics' view of one image at label resolution: maps resized bilinearly (argmax and
 * confidence from the resized mean probabilities, which also give Brier, NLL and class-wise ECE).
 */
export function metricInput(maps: UncertaintyMaps, label: GrayImage): { input: MetricImageInput; maps: UncertaintyMaps } {
  const full = resizeMaps(maps, label.width, label.height, { withVariance: false });
  return { maps: full, input: metricImageInput(full, label) };
}

/** "labels[i] = v is not a class index" with the pixel as (x, y) and what values are allowed. */
export function labelValueMessage(err: Error, width: number, classes: number, ignoreIndex: number | undefined): string {
  const m = /\[(\d+)\] = (\d+) is not a class index/.exec(err.message);
  if (!m) return err.message;
  const i = Number(m[1]);
  return `label value ${m[2]} at pixel (${i % width}, ${Math.floor(i / width)}) is not a class (0..${classes - 1})`
    + (ignoreIndex === undefined ? ' and there is no ignore index (set --ignore-index)' : ` nor the ignore index ${ignoreIndex}`);
}
