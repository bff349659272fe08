/**
 * `segnet-uq anomaly`: how well each uncertainty map finds objects the model never saw. The
 * report (maps, summary.json, --save-maps) plus, against anomaly labels (1 anomaly, 0 inlier,
 * 255 outside), the pixel and component metrics of the public benchmarks in OUT/anomaly.json and
 * an anomaly section in OUT/index.html (lib/anomaly/).
 */
import { checkAnomalyOptions, anomalySink, concludeAnomaly, type AnomalyScoringOptions } from '../anomaly/run';
import type { AnomalyReport } from '../anomaly/report-file';
import { DEFAULT_OUT } from '../defaults';
import type { ReportSummary } from '../report/summary';
import { runReportImages, writeReportIndex, type ReportOptions } from './report';

export interface AnomalyOptions extends Omit<ReportOptions, 'resume' | 'ranking'>, AnomalyScoringOptions {}

export interface AnomalyResult {
  readonly summary: ReportSummary;
  readonly anomaly: AnomalyReport;
}

export async function runAnomaly(options: AnomalyOptions): Promise<AnomalyResult> {
  const checked = checkAnomalyOptions(options);
  const out = options.out ?? DEFAULT_OUT.anomaly;
  const run = await runReportImages({ ...options, out, resume: false },
    (card) => anomalySink(checked, out, card.classes.length, options));
  const { report, section } = concludeAnomaly(run.out, run.sink, run.summary, checked, options.images ?? true, Boolean(options.shard));
  writeReportIndex(run, [section]);
  return { summary: run.summary, anomaly: report };
}
