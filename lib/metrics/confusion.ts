/**
 * Streamed confusion matrix: counts[label * C + predicted], rows = label, cols = prediction.
 * Counts are integers held in a Float64Array (exact up to 2^53 pixels).
 */
import type { ConfusionMatrix } from './types';
import {
  addArrays,
  checkArray,
  checkIgnoreIndex,
  checkLabels,
  checkNumClasses,
  checkObject,
  checkPredicted,
  checkSame,
  countsFromJSON,
} from './validate';

/** An empty C x C matrix. */
export function createConfusion(numClasses: number): ConfusionMatrix {
  const c = checkNumClasses(numClasses);
  return { numClasses: c, counts: new Float64Array(c * c) };
}

/**
 * Adds one image in place.
 * @param labels [N] class index per pixel; `ignoreIndex` pixels are skipped
 * @param predicted [N] predicted class per pixel
 * @param [ignoreIndex] label value to skip (none by default)
 * @throws RangeError for a label >= C that is not the ignore index, or a prediction >= C
 */
export function addToConfusion(
  cm: ConfusionMatrix,
  labels: Uint8Array,
  predicted: Uint8Array,
  ignoreIndex?: number | null,
): ConfusionMatrix {
  const c = cm.numClasses;
  const ignore = checkIgnoreIndex(ignoreIndex);
  checkArray('labels', labels, Uint8Array, null);
  checkArray('predicted', predicted, Uint8Array, labels.length);
  checkLabels('labels', labels, c, ignore);
  checkPredicted('predicted', predicted, c);
  const counts = cm.counts;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y === ignore) continue;
    counts[y * c + predicted[i]] += 1;
  }
  return cm;
}

/** a + b (a new matrix); both must have the same numClasses. */
export function mergeConfusion(a: ConfusionMatrix, b: ConfusionMatrix): ConfusionMatrix {
  checkSame('numClasses', a.numClasses, b.numClasses);
  return { numClasses: a.numClasses, counts: addArrays(a.counts, b.counts) };
}

export interface ConfusionMatrixJSON {
  readonly numClasses: number;
  readonly counts: number[];
}

export function confusionToJSON(cm: ConfusionMatrix): ConfusionMatrixJSON {
  return { numClasses: cm.numClasses, counts: Array.from(cm.counts) };
}

export function confusionFromJSON(value: unknown): ConfusionMatrix {
  const o = checkObject('confusion', value);
  const c = checkNumClasses(o.numClasses);
  return { numClasses: c, counts: countsFromJSON('confusion.counts', o.counts, c * c) };
}
