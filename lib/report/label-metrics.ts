/** The label metrics of summary.json, from confusion counts: one report's, or a merge of shards'. */
import type { ConfusionMatrix } from '../metrics/types';
import { mergeConfusion } from '../metrics/confusion';
import { classAverageAccuracy, globalAccuracy, meanIoU, perClassIoU } from '../metrics/segmentation';
import { finiteOrNull } from '../metrics/summary';
import type { ReportSummary } from './summary';

/** summary.json's `metrics`: from the confusion counts summed over the labelled images. */
export function labelMetrics(confusion: ConfusionMatrix, classNames: readonly string[]): NonNullable<ReportSummary['metrics']> {
  return {
    globalAccuracy: globalAccuracy(confusion), classAverageAccuracy: classAverageAccuracy(confusion), meanIoU: meanIoU(confusion),
    perClass: Array.from(perClassIoU(confusion), (iou, k) => ({ class: classNames[k], iou: finiteOrNull(iou) })),
  };
}

/**
 * `total` plus one image's flat confusion counts (summary.json's `metrics.confusion`), as a new
 * matrix: integers, so the sum is exact in any order; a count of the wrong length is refused.
 */
export function withImageCounts(total: ConfusionMatrix, counts: readonly number[]): ConfusionMatrix {
  return mergeConfusion(total, { numClasses: total.numClasses, counts: Float64Array.from(counts) });
}
