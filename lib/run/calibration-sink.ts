/**
 * What calibrate streams from each labelled image while the report runs: the metric statistics
 * at label resolution and, to fit a temperature, a bounded seeded reservoir of labelled pixels.
 * Made once the run knows the card (runReportImages' sink factory); read after the run.
 */
import { addImage, createMetricStats } from '../metrics/metric-stats';
import { addToReservoir, createPixelReservoir } from '../metrics/reservoir';
import { checkTemperatureFit, type TemperatureCheck } from '../metrics/temperature-check';
import type { MetricStats, PixelReservoir } from '../metrics/types';
import type { ModelCard } from '../model/types';
import type { ImageSink, LabelledImage, SampledImage } from './types';

export interface CalibrationSinkOptions {
  /** label value the statistics skip */
  readonly ignoreIndex: number | null;
  /** equal-width confidence bins */
  readonly bins: number;
  /** hold pixels for a temperature fit: at most `capacity`, sampled with `seed` */
  readonly reservoir?: { readonly capacity: number; readonly seed: number } | null;
}

export class CalibrationSink implements ImageSink {
  readonly stats: MetricStats;
  readonly reservoir: PixelReservoir | null;

  /** @param then more work per labelled image, after the calibration's own (audit's slices and worst images) */
  constructor(private readonly card: ModelCard, private readonly options: CalibrationSinkOptions, private readonly then: ImageSink = {}) {
    const numClasses = card.classes.length;
    this.stats = createMetricStats({ numClasses, ignoreIndex: options.ignoreIndex, bins: options.bins });
    this.reservoir = options.reservoir ? createPixelReservoir({ numClasses, ...options.reservoir }) : null;
  }

  /** every image, to the work after the calibration's own (audit's anomaly scoring) */
  image(image: SampledImage): void {
    this.then.image?.(image);
  }

  labelled(image: LabelledImage): void {
    addImage(this.stats, image.input);
    if (this.reservoir) addToReservoir(this.reservoir, image.maps.meanProbs, image.label.data, image.ignoreIndex);
    this.then.labelled?.(image);
  }

  /** The temperature fitted on the held pixels (the run sampled at `previous`); null without a reservoir or a pixel in it. */
  fitTemperature(previous: number): TemperatureCheck | null {
    if (!this.reservoir || this.reservoir.size === 0) return null;
    return checkTemperatureFit(this.reservoir, { numClasses: this.card.classes.length, bins: this.options.bins, previous });
  }
}
