/** The label metrics of summary.json, from confusion counts: one report's, or a merge of shards'. */
import type { ConfusionMatrix } from '../metrics/types';
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

/** Adds an image's flat confusion counts into `total` (integers: the sum is exact in any order). */
export function addCounts(total: ConfusionMatrix, counts: ArrayLike<number>): void {
  const t = total.counts;
  for (let i = 0; i < t.length; i++) t[i] += counts[i];
}
