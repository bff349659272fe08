/** What the per-image step (lib/run/image-step.ts) hands the commands and the server. */
import type { SegmentResult } from '../engine/segmenter';
import type { UncertaintyMaps } from '../engine/types';
import type { GrayImage } from '../image/types';
import type { ConfusionMatrix, MetricImageInput } from '../metrics/types';
import type { ImageMetrics } from '../report/summary';

/** Means over the model-resolution maps (entropy and MI in nats), as summary.json and the server give them. */
export interface ImageMeans {
  readonly meanEntropy: number;
  readonly meanExpectedEntropy: number;
  readonly meanMutualInformation: number;
  readonly meanVariance: number;
  readonly meanConfidence: number;
}

/** A labelled image as the step scored it, for the commands that stream more (calibrate, audit). */
export interface LabelledImage {
  readonly file: string;
  readonly labelFile: string;
  readonly label: GrayImage;
  /** the maps at the label's resolution (resizeMaps without per-class variance) */
  readonly maps: UncertaintyMaps;
  /** the metrics' view of `maps` and the label (metricImageInput), for the streamed statistics */
  readonly input: MetricImageInput;
  readonly result: SegmentResult;
  /** the label value the scores skip */
  readonly ignoreIndex: number | null;
  /** this image's confusion counts at the label's resolution */
  readonly confusion: ConfusionMatrix;
  /** this image's accuracy, mIoU and counts as summary.json records them */
  readonly metrics: ImageMetrics;
}

/** A sampled image as a sink's `image` hook sees it, labelled or not. */
export interface SampledImage {
  readonly file: string;
  readonly result: SegmentResult;
  /** the maps at the image's resolution (no per-class variance), resized at most once per image */
  readonly fullMaps: () => UncertaintyMaps;
}

/** Where a command built on the report (calibrate, audit, anomaly) takes each image. */
export interface ImageSink {
  /**
   * every sampled image, labelled or not, before `labelled`; a throw records an error (a FileError
   * names its file) and the image keeps its entry (anomaly scoring reads its own labels here)
   */
  readonly image?: (image: SampledImage) => void;
  /**
   * each labelled image, before its counts join the report's; a throw records an error for the
   * label and leaves the image out of the label metrics
   */
  readonly labelled?: (image: LabelledImage) => void;
}
