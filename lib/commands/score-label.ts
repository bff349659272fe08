/**
 * One image of a report scored against its label: decode it with the card's palette, check its
 * size, count the confusion at the image's resolution, hand the labelled image to the hook
 * (calibrate, audit) and add the counts to the run's total. Every failure is an error entry.
 */
import type { SegmentResult } from '../engine/segmenter';
import { decodeLabel } from '../image';
import { addToConfusion, createConfusion } from '../metrics/confusion';
import { globalAccuracy, meanIoU } from '../metrics/segmentation';
import type { ConfusionMatrix } from '../metrics/types';
import { labelColors } from '../model/card';
import type { ModelCard } from '../model/types';
import { addCounts } from '../report/label-metrics';
import { resizeMaps } from '../report/resize-maps';
import type { ReportError, ReportImage } from '../report/summary';
import type { LabelledImage } from '../run/types';
import { causeOf, maxImageBytes, readInputFile } from './inputs';
import { labelValueMessage } from './labels';

export interface LabelledOutcome {
  readonly metrics?: ReportImage['metrics'];
  readonly error?: ReportError;
}

export function scoreAgainstLabel(result: SegmentResult, labelFile: string, card: ModelCard, ignoreIndex: number | undefined,
  maxPixels: number, total: ConfusionMatrix, file: string, onLabelled?: (image: LabelledImage) => void): LabelledOutcome {
  let label;
  try {
    label = decodeLabel(readInputFile(labelFile, maxImageBytes(maxPixels)), { file: labelFile, maxPixels, ...labelColors(card) });
  } catch (err) {
    return { error: { file: labelFile, message: causeOf(err as Error, labelFile) } };
  }
  const { width, height } = result.image;
  if (label.width !== width || label.height !== height) {
    return { error: { file: labelFile, message: `label is ${label.width}x${label.height}, its image is ${width}x${height}` } };
  }
  const full = resizeMaps(result.maps, width, height, { withVariance: false });
  const one = createConfusion(card.classes.length);
  try {
    addToConfusion(one, label.data, full.predicted, ignoreIndex);
  } catch (err) {
    return { error: { file: labelFile, message: labelValueMessage(err as Error, label.width, card.classes.length, ignoreIndex) } };
  }
  try {
    onLabelled?.({ file, labelFile, label, maps: full, result });
  } catch (err) {
    return { error: { file: labelFile, message: causeOf(err as Error, labelFile) } };
  }
  addCounts(total, one.counts);
  return { metrics: { globalAccuracy: globalAccuracy(one), meanIoU: nullIfNaN(meanIoU(one)), confusion: Array.from(one.counts) } };
}

const nullIfNaN = (v: number): number | null => (Number.isFinite(v) ? v : null);
