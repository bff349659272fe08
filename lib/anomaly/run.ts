/**
 * The anomaly scoring a run adds (anomaly, audit --anomaly-labels): its options checked before
 * any work, the sink made once the card is known, and its files once the run is over.
 */
import { statSync } from 'fs';
import * as path from 'path';
import { ANOMALY_DEFAULTS, DEFAULT_MAX_PIXELS } from '../defaults';
import { describeFsError, FileError } from '../errors';
import type { ReportSummary } from '../report/summary';
import { checkInteger } from '../validate';
import { writeAnomalyCharts } from './charts';
import type { ComponentSizes } from './components';
import { anomalySectionHtml } from './html';
import { anomalyReport, writeAnomalyReport, type AnomalyReport } from './report-file';
import { checkAnomalyKind, type AnomalyKind } from './scores';
import { AnomalySink } from './sink';

export interface AnomalyScoringOptions {
  /** folder of anomaly label PNGs named like the images: 1 anomaly, 0 inlier, 255 outside (required) */
  readonly anomalyLabels: string;
  /** [ANOMALY_DEFAULTS.minPredicted] predicted components smaller than this are dropped */
  readonly minPredicted?: number;
  /** [ANOMALY_DEFAULTS.minAnomaly] labelled anomaly components smaller than this are left out */
  readonly minAnomaly?: number;
  /** [ANOMALY_DEFAULTS.panelScore] the score drawn beside each image's labelled region */
  readonly panelScore?: AnomalyKind;
}

export interface CheckedAnomaly {
  readonly dir: string;
  readonly sizes: ComponentSizes;
  readonly panelScore: AnomalyKind;
}

/** Checks the flags (naming them) and that the label folder is one. */
export function checkAnomalyOptions(o: AnomalyScoringOptions): CheckedAnomaly {
  if (typeof o.anomalyLabels !== 'string' || o.anomalyLabels === '') throw new RangeError('--anomaly-labels is required: the anomaly metrics compare against anomaly label masks');
  let dir = false;
  try {
    dir = statSync(o.anomalyLabels).isDirectory();
  } catch (err) {
    throw new FileError(o.anomalyLabels, describeFsError(err), { flag: '--anomaly-labels', cause: err });
  }
  if (!dir) throw new FileError(o.anomalyLabels, 'not a folder', { flag: '--anomaly-labels' });
  const sizes = {
    minPredicted: checkInteger('--min-predicted', o.minPredicted ?? ANOMALY_DEFAULTS.minPredicted, 1, 1 << 30),
    minAnomaly: checkInteger('--min-anomaly', o.minAnomaly ?? ANOMALY_DEFAULTS.minAnomaly, 1, 1 << 30),
  };
  return { dir: path.resolve(o.anomalyLabels), sizes, panelScore: checkAnomalyKind(o.panelScore ?? ANOMALY_DEFAULTS.panelScore) };
}

/** The sink of a run writing into `out`; panels only when the run writes images. */
export function anomalySink(checked: CheckedAnomaly, out: string, numClasses: number, run: { maxPixels?: number; images?: boolean }): AnomalySink {
  return new AnomalySink({
    dir: checked.dir, out: path.resolve(out), numClasses, maxPixels: run.maxPixels ?? DEFAULT_MAX_PIXELS, sizes: checked.sizes,
    panelSize: (run.images ?? true) ? ANOMALY_DEFAULTS.panelSize : null, panelScore: checked.panelScore,
  });
}

/**
 * After the run: the metrics, charts (with images) and OUT/anomaly.json; returns the report and
 * its index.html section. A shard keeps its bins for the merge (lib/shard/merge-anomaly.ts).
 */
export function concludeAnomaly(out: string, sink: AnomalySink, summary: ReportSummary, checked: CheckedAnomaly, images: boolean, shard = false)
  : { report: AnomalyReport; section: string } {
  const measures = sink.finish(shard);
  const curves = Object.fromEntries(Object.entries(measures.scores).map(([k, s]) => [k, s.curves]));
  const charts = images ? writeAnomalyCharts(out, curves) : null;
  const report = anomalyReport(summary, measures, { labels: checked.dir, sizes: checked.sizes, panelScore: checked.panelScore }, charts);
  writeAnomalyReport(out, report);
  return { report, section: anomalySectionHtml(report) };
}
