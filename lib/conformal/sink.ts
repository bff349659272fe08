/**
 * What `segnet-uq conformal` streams from each labelled image while the report runs: the
 * fixed-size statistics of lib/conformal/stats.ts at the label's resolution.
 */
import type { ImageSink, LabelledImage } from '../run/types';
import { GRID, type ConformalMethod } from './scores';
import { addConformalImage, createConformalStats, type ConformalStats } from './stats';

export class ConformalSink implements ImageSink {
  readonly stats: ConformalStats;

  constructor(classes: number, method: ConformalMethod, ignoreIndex: number | null) {
    this.stats = createConformalStats(method, GRID, classes, ignoreIndex);
  }

  labelled(image: LabelledImage): void {
    const { maps, label } = image;
    addConformalImage(this.stats, maps.meanProbs, label.data, label.width, label.height);
  }
}
