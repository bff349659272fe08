/**
 * summary.json while a report runs: the images so far, the streamed label metrics, rewritten
 * atomically after each image but never spending more than about a tenth of the run on it (a
 * long run's summary grows): at most the last few images are missing after a crash, and
 * --resume redoes them.
 */
import { insideOutput } from '../atomic';
import { createConfusion } from '../metrics/confusion';
import type { ConfusionMatrix } from '../metrics/types';
import type { ModelCard } from '../model/types';
import { fileHeader } from './file-header';
import { labelMetrics, withImageCounts } from './label-metrics';
import { SCHEMA_VERSION, type Ranking, type ReportError, type ReportImage, type ReportSummary } from './summary';
import { summarySchema } from './format-schemas';
import { writeJsonChecked } from './write-checked';

/** Everything of summary.json but the header, `complete`, the images, errors and metrics. */
export type SummaryBase = Omit<ReportSummary, 'schemaVersion' | 'tool' | 'createdAt' | 'complete' | 'images' | 'errors' | 'metrics' | 'ranking'>;

export class SummaryWriter {
  readonly images: ReportImage[] = [];
  readonly errors: ReportError[];
  private confusion: ConfusionMatrix;
  private lastWrite = 0;
  private lastWriteMs = 0;

  /**
   * @param labelled whether the run scores labels (summary.json then carries `metrics` once an image was scored)
   * @param moreMetrics more entries of `metrics` from the images (--conformal's)
   */
  constructor(private readonly out: string, private readonly base: SummaryBase, private readonly card: ModelCard,
    private readonly labelled: boolean, errors: readonly ReportError[], private readonly moreMetrics?: (images: readonly ReportImage[]) => Record<string, unknown>) {
    this.errors = [...errors];
    this.confusion = createConfusion(card.classes.length);
  }

  /** An image done (or re-used); its confusion counts, when scored, join the run's. */
  addImage(image: ReportImage): void {
    this.images.push(image);
    const counts = image.metrics?.confusion;
    if (counts) this.confusion = withImageCounts(this.confusion, counts);
  }

  /** @param ranking the run's, once it is complete: the last key */
  summary(complete: boolean, ranking?: Ranking): ReportSummary {
    const c = this.confusion;
    return {
      // the key order of summary.json as it always was
      ...fileHeader(SCHEMA_VERSION), complete, model: this.base.model, samples: this.base.samples, seed: this.base.seed, batch: this.base.batch,
      device: this.base.device, images: this.images, errors: this.errors, warnings: this.base.warnings, settings: this.base.settings,
      ...(this.labelled && this.images.some((i) => i.metrics) ? { metrics: { ...labelMetrics(c, this.card.classes.map((k) => k.name)), ...this.moreMetrics?.(this.images) } } : {}),
      ...(ranking ? { ranking } : {}),
    };
  }

  write(complete: boolean, ranking?: Ranking): ReportSummary {
    const t0 = performance.now();
    const s = this.summary(complete, ranking);
    writeJsonChecked(insideOutput(this.out, 'summary.json'), s, summarySchema);
    this.lastWrite = performance.now();
    this.lastWriteMs = this.lastWrite - t0;
    return s;
  }

  /** write(false) unless the last write was too recent for what it cost */
  progress(): void {
    if (performance.now() - this.lastWrite >= 10 * this.lastWriteMs) this.write(false);
  }
}
