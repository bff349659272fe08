/**
 * Segmentation metrics from a confusion matrix (rows = label, cols = prediction).
 * All results are fractions in 0..1; NaN marks a quantity with no pixels to define it.
 */
import type { ConfusionMatrix } from './types';

function rowSum(cm: ConfusionMatrix, k: number): number {
  const c = cm.numClasses;
  let s = 0;
  for (let j = 0; j < c; j++) s += cm.counts[k * c + j];
  return s;
}

function colSum(cm: ConfusionMatrix, k: number): number {
  const c = cm.numClasses;
  let s = 0;
  for (let i = 0; i < c; i++) s += cm.counts[i * c + k];
  return s;
}

function total(cm: ConfusionMatrix): number {
  let s = 0;
  for (let i = 0; i < cm.counts.length; i++) s += cm.counts[i];
  return s;
}

function nanMean(values: Float64Array): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      s += values[i];
      n++;
    }
  }
  return n === 0 ? NaN : s / n;
}

/** Correct pixels / labelled pixels (NaN when no pixel is labelled). */
export function globalAccuracy(cm: ConfusionMatrix): number {
  const c = cm.numClasses;
  let diag = 0;
  for (let k = 0; k < c; k++) diag += cm.counts[k * c + k];
  const n = total(cm);
  return n === 0 ? NaN : diag / n;
}

/** Recall per class [C]: correct / labelled pixels of the class; NaN for a class absent from labels. */
export function perClassAccuracy(cm: ConfusionMatrix): Float64Array {
  const c = cm.numClasses;
  const out = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const n = rowSum(cm, k);
    out[k] = n === 0 ? NaN : cm.counts[k * c + k] / n;
  }
  return out;
}

/** Mean of perClassAccuracy over the classes present in the labels. */
export function classAverageAccuracy(cm: ConfusionMatrix): number {
  return nanMean(perClassAccuracy(cm));
}

/** IoU per class [C]: TP / (TP + FP + FN); NaN for a class absent from both labels and predictions. */
export function perClassIoU(cm: ConfusionMatrix): Float64Array {
  const c = cm.numClasses;
  const out = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const tp = cm.counts[k * c + k];
    const union = rowSum(cm, k) + colSum(cm, k) - tp;
    out[k] = union === 0 ? NaN : tp / union;
  }
  return out;
}

/** Mean of perClassIoU over the classes where it is defined. */
export function meanIoU(cm: ConfusionMatrix): number {
  return nanMean(perClassIoU(cm));
}

/** Share of labelled pixels per class [C] (sums to 1; NaN everywhere when nothing is labelled). */
export function pixelFrequency(cm: ConfusionMatrix): Float64Array {
  const c = cm.numClasses;
  const n = total(cm);
  const out = new Float64Array(c);
  for (let k = 0; k < c; k++) out[k] = n === 0 ? NaN : rowSum(cm, k) / n;
  return out;
}
