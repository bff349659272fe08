/** OUT/anomaly.json: every score's pooled pixel and component metrics, the per-image list and the mergeable statistics. */
import { insideOutput, writeFileAtomic } from '../atomic';
import { fileHeader, type FileHeader } from '../report/file-header';
import type { ReportError, ReportSummary } from '../report/summary';
import type { AnomalyCharts } from './charts';
import type { ComponentMetrics, ComponentSizes } from './components';
import type { PixelMetrics } from './pixel-metrics';
import { anomalyHistogramToJSON, type AnomalyHistogramJSON } from './pixel-stats';
import type { AnomalyKind } from './scores';
import type { AnomalyImage, AnomalyMeasures } from './sink';

export const ANOMALY_SCHEMA_VERSION = 1;

export interface AnomalyScoreReport {
  /** pooled over every labelled pixel of the run (AP, AUROC, FPR95 as Fishyscapes and SegmentMeIfYouCan) */
  readonly pixel: PixelMetrics;
  /** SegmentMeIfYouCan's component metrics at the pixel best-F1 threshold */
  readonly component: ComponentMetrics;
}

export interface AnomalyReport extends FileHeader {
  readonly model: { readonly path: string; readonly name: string; readonly temperature: number };
  readonly samples: ReportSummary['samples'];
  readonly seed: number;
  /** the --anomaly-labels folder */
  readonly labels: string;
  /** the component size filters the run used */
  readonly sizes: ComponentSizes;
  /** the score drawn in the per-image panels */
  readonly panelScore: AnomalyKind;
  /** images scored (an anomaly label read and counted) */
  readonly images: number;
  readonly scores: Record<AnomalyKind, AnomalyScoreReport>;
  /** ROC and PR chart PNGs, relative to the output folder; null without --images */
  readonly charts: AnomalyCharts | null;
  readonly perImage: readonly AnomalyImage[];
  /** the pooled pixel histograms (anomaly and inlier pixels per log-spaced bin of each score): two runs' add up */
  readonly stats: { readonly histograms: readonly AnomalyHistogramJSON[] };
  /** the run's errors (images, labels and anomaly labels that failed) */
  readonly errors: readonly ReportError[];
}

/** How a run scored: the label folder, the size filters, the panels' score. */
export type AnomalySettings = Pick<AnomalyReport, 'labels' | 'sizes' | 'panelScore'>;

export function anomalyReport(summary: ReportSummary, m: AnomalyMeasures, settings: AnomalySettings, charts: AnomalyCharts | null): AnomalyReport {
  const scores = {} as Record<AnomalyKind, AnomalyScoreReport>;
  for (const [kind, s] of Object.entries(m.scores) as [AnomalyKind, AnomalyMeasures['scores'][AnomalyKind]][]) {
    scores[kind] = { pixel: s.pixel, component: s.component };
  }
  return {
    ...fileHeader(ANOMALY_SCHEMA_VERSION),
    model: { path: summary.model.path, name: summary.model.name, temperature: summary.model.temperature },
    samples: summary.samples, seed: summary.seed, ...settings, images: m.images.length, scores, charts, perImage: m.images,
    stats: { histograms: m.histograms.map(anomalyHistogramToJSON) }, errors: summary.errors,
  };
}

export function writeAnomalyReport(out: string, report: AnomalyReport): void {
  writeFileAtomic(insideOutput(out, 'anomaly.json'), JSON.stringify(report, null, 2) + '\n');
}
