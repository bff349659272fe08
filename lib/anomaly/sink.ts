/**
 * What `anomaly` (and audit --anomaly-labels) stream from every sampled image: its anomaly label,
 * each score's bins counted into the pooled histograms, the bins kept on disk for the component
 * pass, and the image's panel. After the run, finish() gives every score's pixel and component
 * metrics. One image's bad label or score is that image's error: nothing of it is counted.
 */
import { encodePng } from '../image';
import { insideOutput, writeFileAtomic } from '../atomic';
import type { ImageSink, SampledImage } from '../run/types';
import { BinStore } from './bin-store';
import {
  addImageComponents, componentMetrics, createComponentCounts, predictedMask, type ComponentCounts, type ComponentMetrics, type ComponentSizes,
} from './components';
import { loadAnomalyLabel } from './labels';
import { anomalyPanel } from './panel';
import { curvePoints, pixelMetrics, type CurvePoints, type PixelMetrics } from './pixel-metrics';
import { addBinnedPixels, createAnomalyHistogram, scoreBins, ANOMALY, INLIER, type AnomalyHistogram } from './pixel-stats';
import { ANOMALY_KINDS, anomalyScore, anomalyScoreMax, type AnomalyKind } from './scores';

export interface AnomalySinkOptions {
  /** folder of anomaly label PNGs named like the images */
  readonly dir: string;
  /** the output folder (panels, and the bins until finish) */
  readonly out: string;
  readonly numClasses: number;
  /** refuse larger labels (the run's --max-pixels) */
  readonly maxPixels: number;
  readonly sizes: ComponentSizes;
  /** longest side of each half of an image's panel; null writes none */
  readonly panelSize: number | null;
  /** the score drawn in the panels */
  readonly panelScore: AnomalyKind;
}

/** One scored image, as anomaly.json lists it. */
export interface AnomalyImage {
  readonly file: string;
  readonly label: string;
  readonly anomalyPixels: number;
  readonly inlierPixels: number;
  /** its panel, relative to the output folder */
  readonly panel?: string;
}

export interface AnomalyScoreResult {
  readonly pixel: PixelMetrics;
  readonly component: ComponentMetrics;
  readonly curves: CurvePoints;
}

export interface AnomalyMeasures {
  readonly scores: Record<AnomalyKind, AnomalyScoreResult>;
  readonly images: readonly AnomalyImage[];
  readonly histograms: readonly AnomalyHistogram[];
  readonly components: Record<AnomalyKind, ComponentCounts>;
}

export class AnomalySink implements ImageSink {
  readonly histograms: AnomalyHistogram[];
  readonly images: AnomalyImage[] = [];
  private readonly store: BinStore;

  constructor(private readonly options: AnomalySinkOptions) {
    this.histograms = ANOMALY_KINDS.map((k) => createAnomalyHistogram(k, options.numClasses));
    this.store = new BinStore(options.out);
  }

  image(s: SampledImage): void {
    const maps = s.fullMaps();
    const o = this.options;
    const label = loadAnomalyLabel(s.file, o.dir, maps.width, maps.height, o.maxPixels);
    const scores = ANOMALY_KINDS.map((k) => anomalyScore(maps, k));
    // everything that can throw before anything is counted
    const bins = this.histograms.map((h, k) => scoreBins(h, scores[k]));
    let panel: string | undefined;
    if (o.panelSize !== null) {
      const k = ANOMALY_KINDS.indexOf(o.panelScore);
      panel = `anomaly/${this.images.length}.png`;
      const picture = anomalyPanel(s.result.image, label, scores[k], anomalyScoreMax(o.panelScore, o.numClasses), o.panelSize);
      writeFileAtomic(insideOutput(o.out, panel), encodePng(picture));
    }
    this.store.add(s.file, maps.width, maps.height, label.data, bins);
    this.histograms.forEach((h, k) => addBinnedPixels(h, label.data, bins[k]));
    let anomalyPixels = 0, inlierPixels = 0;
    for (const v of label.data) {
      if (v === ANOMALY) anomalyPixels++;
      else if (v === INLIER) inlierPixels++;
    }
    this.images.push({ file: s.file, label: label.file, anomalyPixels, inlierPixels, ...(panel ? { panel } : {}) });
  }

  /**
   * Pixel metrics from the pooled histograms, then the component pass at each score's best-F1
   * bin. keepBins (a shard): the bins stay, listed, for the merge; otherwise they go.
   */
  finish(keepBins = false): AnomalyMeasures {
    const measures = measureAnomaly(this.histograms, [this.store], this.options.sizes, this.images);
    if (keepBins) this.store.keep();
    else this.store.remove();
    return measures;
  }
}

/** Every score's metrics from pooled histograms and the stores holding every image's bins (one run's, or a merge's shards'). */
export function measureAnomaly(histograms: readonly AnomalyHistogram[], stores: readonly BinStore[], sizes: ComponentSizes,
  images: readonly AnomalyImage[]): AnomalyMeasures {
  const pixel = histograms.map((h) => pixelMetrics(h));
  const counts = ANOMALY_KINDS.map(() => createComponentCounts());
  for (const store of stores) {
    for (const stored of store.images) {
      const { labels, bins } = store.read(stored, ANOMALY_KINDS.length);
      pixel.forEach((m, k) => {
        if (m.bestF1Bin !== null) addImageComponents(counts[k], labels, predictedMask(bins[k], m.bestF1Bin), stored.width, stored.height, sizes);
      });
    }
  }
  const scores = {} as Record<AnomalyKind, AnomalyScoreResult>;
  const components = {} as Record<AnomalyKind, ComponentCounts>;
  ANOMALY_KINDS.forEach((kind, k) => {
    scores[kind] = { pixel: pixel[k], component: componentMetrics(counts[k]), curves: curvePoints(histograms[k]) };
    components[kind] = counts[k];
  });
  return { scores, images, histograms, components };
}
