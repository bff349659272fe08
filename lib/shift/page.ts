/** OUT/index.html of a shift run: the summary by severity, every condition's row, the charts. */
import { insideOutput, writeFileAtomic } from '../atomic';
import { escapeHtml, hrefOf, pageHtml } from '../report/html';
import { SHIFT_CHART_METRICS, writeShiftCharts } from './charts';
import type { MetricStats } from '../metrics/types';
import type { ShiftResult } from './result';

const fmt = (v: number | null | undefined, d = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));
const cells = (values: readonly string[], tag = 'td'): string => `<tr>${values.map((v) => `<${tag}>${v}</${tag}>`).join('')}</tr>`;

export function shiftPageHtml(result: ShiftResult, charts: ReturnType<typeof writeShiftCharts>): string {
  const head = ['severity', 'conditions', 'mIoU', 'accuracy', 'ECE', 'NLL', 'Brier', 'mean entropy', 'mean MI', 'AUROC', 'score'];
  const summary = result.bySeverity.map((s) => cells([s.severity === 0 ? 'clean' : String(s.severity), String(s.conditions), fmt(s.meanIoU), fmt(s.globalAccuracy),
    fmt(s.ece), fmt(s.nll), fmt(s.brier), fmt(s.meanEntropy), fmt(s.meanMutualInformation), fmt(s.auroc), fmt(s.score)]));
  const rows = result.rows.map((r) => {
    const m = r.metrics;
    return cells([escapeHtml(r.corruption), String(r.severity), fmt(m.meanIoU), fmt(m.globalAccuracy), fmt(m.calibration.ece), fmt(m.calibration.nll),
      fmt(m.calibration.brier), fmt(m.meanEntropy), fmt(m.meanMutualInformation), fmt(m.uncertainty.entropy.auroc), fmt(r.score), String(m.images)]);
  });
  const figure = (file: string, alt: string): string => `<figure><img src="${hrefOf(file)}" alt="${escapeHtml(alt)}"></figure>`;
  const errors = result.errors.length
    ? `<h2>Errors (${result.errors.length})</h2><ul class="errors">${result.errors.map((e) => `<li>${escapeHtml(e.file)}: ${escapeHtml(e.message)}</li>`).join('')}</ul>` : '';
  return pageHtml('segnet-uq shift', `<h1>Uncertainty under shift: ${escapeHtml(result.model.name)}</h1>
<p class="meta">${result.images} images${result.complete ? '' : ' (the run stopped early: not every image is in these numbers)'}, ${result.rows.length} conditions,
samples ${escapeHtml(String(result.samples))}, seed ${result.seed}, labels <code>${escapeHtml(result.labels)}</code>. Each condition is the clean image corrupted in memory
(imagecorruptions' corruptions and severity constants) and sampled with the image's own dropout masks; metrics are calibrate's, over the labelled pixels at label resolution.
Mean entropy and MI are over the labelled pixels (nats). AUROC: predictive entropy as a score for misclassified pixels.
Score: the harmonic mean of mIoU, 1 − ECE and that AUROC (BRAVO-style); the summary rows average the corruptions at each severity, their score is the harmonic mean of the conditions' scores.</p>
<h2>By severity (mean over corruptions)</h2>
<table>${cells(head, 'th')}${summary.join('')}</table>
<p>Harmonic mean of every corrupted condition's score: <b>${fmt(result.harmonicScore)}</b></p>
<h2>Against severity</h2>
<div class="grid">${SHIFT_CHART_METRICS.map((m) => figure(charts.metrics[m.key], `${m.label} against severity`)).join('')}</div>
<h2>Reliability by severity</h2>
<div class="grid">${charts.reliability.map((r) => figure(r.file, `reliability at severity ${r.severity}`)).join('')}</div>
<h2>Every condition</h2>
<table>${cells(['corruption', 'severity', 'mIoU', 'accuracy', 'ECE', 'NLL', 'Brier', 'mean entropy', 'mean MI', 'AUROC', 'score', 'images'], 'th')}${rows.join('')}</table>
${errors}`);
}

/** The charts and OUT/index.html. */
export function writeShiftPage(out: string, result: ShiftResult, stats: readonly MetricStats[]): void {
  const charts = writeShiftCharts(out, result, stats);
  writeFileAtomic(insideOutput(out, 'index.html'), shiftPageHtml(result, charts));
}
