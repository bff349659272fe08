/** What the per-image step hands the commands built on it (calibrate, audit). */
import type { SegmentResult } from '../engine/segmenter';
import type { UncertaintyMaps } from '../engine/types';
import type { GrayImage } from '../image/types';

/** A labelled image as the report scored it, for commands built on the report (calibrate, audit). */
export interface LabelledImage {
  readonly file: string;
  readonly labelFile: string;
  readonly label: GrayImage;
  /** the maps at the label's resolution (resizeMaps without per-class variance) */
  readonly maps: UncertaintyMaps;
  readonly result: SegmentResult;
}
