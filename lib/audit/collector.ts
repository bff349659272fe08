/**
 * What an audit gathers from each labelled image while the report runs: slices and worst images,
 * in memory that does not grow with the number of images (fixed histograms, bounded lists).
 */
import type { ModelCard } from '../model/types';
import type { LabelledImage } from '../run/types';
import type { ImageRecord, SliceRecord } from '../report/formats';
import { imageStats } from './image-stats';
import { addToSlices, cellValues, createSlices, finishSlices, type GroupBy, type SliceAccumulator } from './slices';
import { WorstImages } from './worst-images';

export class AuditCollector {
  private readonly slices: SliceAccumulator;
  readonly worst: WorstImages;
  private readonly overall: { images: number; counts: Float64Array; entropy: number; mutualInformation: number };

  constructor(private readonly card: ModelCard, private readonly ignoreIndex: number | null, options: {
    readonly worst: number; readonly groupBy: GroupBy; readonly baselineImages: readonly ImageRecord[] | null;
  }) {
    const c = card.classes.length;
    this.slices = createSlices(c, options.groupBy);
    this.worst = new WorstImages(options.worst, options.baselineImages);
    this.overall = { images: 0, counts: new Float64Array(c * c), entropy: 0, mutualInformation: 0 };
  }

  add(image: LabelledImage): void {
    const stats = imageStats(image.file, image.result.image, image.maps, image.label, this.ignoreIndex);
    addToSlices(this.slices, stats);
    this.worst.add(stats, image.result.image, image.maps, this.card);
    const o = this.overall;
    o.images++;
    for (let i = 0; i < o.counts.length; i++) o.counts[i] += stats.confusion.counts[i];
    o.entropy += stats.meanEntropy;
    o.mutualInformation += stats.meanMutualInformation;
  }

  /** The slices, and the whole set's values of the slice metrics (what a slice gap is measured from). */
  finish(): { slices: SliceRecord[]; overall: Record<string, number | null> } {
    return { slices: finishSlices(this.slices), overall: cellValues(this.overall, this.card.classes.length) };
  }
}
