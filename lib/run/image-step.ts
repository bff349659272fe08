/**
 * The per-image step every model-running command (report, calibrate, audit, samples) and the
 * server share: sample a prepared image, take its summary means, and with labels load the label,
 * bring the maps to its resolution and score it, each once. What a command does with the result
 * (files, streamed metrics, a table) is its own sink.
 */
import type { SegmentOptions, PreparedImage, Segmenter, SegmentResult } from '../engine/segmenter';
import { FileError } from '../errors';
import type { UncertaintyMaps } from '../engine/types';
import { addToConfusion, createConfusion } from '../metrics/confusion';
import { globalAccuracy, meanIoU } from '../metrics/segmentation';
import { finiteOrNull } from '../metrics/summary';
import type { ModelCard } from '../model/types';
import { resizeMaps } from '../report/resize-maps';
import type { ReportError } from '../report/summary';
import { reasonFor } from './inputs';
import { labelValueMessage, loadLabel, metricImageInput } from './labels';
import type { ImageMeans, ImageSink, LabelledImage } from './types';

/** Where labels come from, and how they are read. */
export interface LabelSource {
  /** folder of label PNGs named like the images */
  readonly dir: string;
  readonly card: ModelCard;
  /** label value skipped in the scores */
  readonly ignoreIndex: number | undefined;
  /** refuse larger labels (the --max-pixels of the run) */
  readonly maxPixels?: number;
}

export interface ImageStepOptions extends SegmentOptions {
  /** score against the image's label */
  readonly labels?: LabelSource;
}

export interface ProcessedImage {
  readonly prepared: PreparedImage;
  readonly result: SegmentResult;
  readonly means: ImageMeans;
  /** the maps at the image's resolution (no per-class variance), resized at most once per image */
  readonly fullMaps: () => UncertaintyMaps;
  /** with labels: the label and this image's score; null when it could not be scored (`labelError` says why) */
  readonly labelled: LabelledImage | null;
  readonly labelError?: ReportError;
  /** what the sink's `image` hook threw (toSink) */
  readonly sinkError?: ReportError;
}

function meanOf(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : 0;
}

/** The five means summary.json and the server's answer give, over the model-resolution maps. */
export function imageMeans(maps: UncertaintyMaps): ImageMeans {
  return {
    meanEntropy: meanOf(maps.predictiveEntropy), meanExpectedEntropy: meanOf(maps.expectedEntropy),
    meanMutualInformation: meanOf(maps.mutualInformation), meanVariance: meanOf(maps.meanVariance),
    meanConfidence: meanOf(maps.confidence),
  };
}

/** The label of the image and its score at the image's resolution; a bad label is an error entry, not a throw. */
function scoreLabel(file: string, result: SegmentResult, full: () => UncertaintyMaps, source: LabelSource)
  : { labelled: LabelledImage | null; labelError?: ReportError } {
  const { width, height } = result.image;
  let label;
  try {
    label = loadLabel(file, source.dir, source.card, width, height, source.maxPixels);
  } catch (err) {
    // loadLabel's FileErrors name the label file and already carry the full reason (reasonFor, lib/run/labels.ts)
    return { labelled: null, labelError: err instanceof FileError ? { file: err.file, message: err.reason } : { file, message: reasonFor(err, file) } };
  }
  const maps = full();
  const classes = source.card.classes.length;
  const confusion = createConfusion(classes);
  try {
    addToConfusion(confusion, label.data, maps.predicted, source.ignoreIndex);
  } catch (err) {
    return { labelled: null, labelError: { file: label.file, message: labelValueMessage(err as Error, label.width, classes, source.ignoreIndex) } };
  }
  const metrics = { globalAccuracy: globalAccuracy(confusion), meanIoU: finiteOrNull(meanIoU(confusion)), confusion: Array.from(confusion.counts) };
  return { labelled: { file, labelFile: label.file, label, maps, input: metricImageInput(maps, label), result, ignoreIndex: source.ignoreIndex ?? null, confusion, metrics } };
}

/** Everything after the sampling: means, full-resolution maps on demand, the label's score. */
export function finishImage(prepared: PreparedImage, result: SegmentResult, labels?: LabelSource): ProcessedImage {
  let full: UncertaintyMaps | null = null;
  const fullMaps = (): UncertaintyMaps => {
    full ??= resizeMaps(result.maps, result.image.width, result.image.height, { withVariance: false });
    return full;
  };
  const scored = labels ? scoreLabel(prepared.file, result, fullMaps, labels) : { labelled: null };
  return { prepared, result, means: imageMeans(result.maps), fullMaps, ...scored };
}

/** One image: sample it (snapshots and progress as `options` says), then finishImage. */
export async function processImage(segmenter: Segmenter, prepared: PreparedImage, options: ImageStepOptions): Promise<ProcessedImage> {
  const { labels, ...sampling } = options;
  const result = await segmenter.sample(prepared, sampling);
  return finishImage(prepared, result, labels);
}

/**
 * Gives the image to a command's sink: every image to `image` (a throw becomes `sinkError`), a
 * labelled one to `labelled`, where a throw becomes the label's error entry and leaves the image
 * unscored, as a label that could not be read.
 */
export function toSink(processed: ProcessedImage, sink: ImageSink): ProcessedImage {
  let p = processed;
  try {
    sink.image?.({ file: p.prepared.file, result: p.result, fullMaps: p.fullMaps });
  } catch (err) {
    p = { ...p, sinkError: err instanceof FileError ? { file: err.file, message: err.reason } : { file: p.prepared.file, message: reasonFor(err, p.prepared.file) } };
  }
  if (!p.labelled) return p;
  try {
    sink.labelled?.(p.labelled);
    return p;
  } catch (err) {
    return { ...p, labelled: null, labelError: { file: p.labelled.labelFile, message: reasonFor(err, p.labelled.labelFile) } };
  }
}
