/**
 * The calibration section of index.html: metric tables, the temperature fit, per-class table
 * (sortable, by the report's script) and the chart PNGs by relative link. Everything from the
 * user (class names, paths) is escaped.
 */
import * as path from 'path';
import type { ModelCard } from '../model/types';
import type { UncertaintyKind } from '../metrics/types';
import type { CalibrationReport } from './formats';
import { chartFigure, escapeHtml, pageHtml } from './html';

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const dataV = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));

const KINDS: readonly [UncertaintyKind, string][] = [
  ['entropy', 'predictive entropy'], ['mutualInformation', 'mutual information'], ['variance', 'mean class variance'],
];

function row(cells: readonly string[], head = false): string {
  const tag = head ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

export function calibrationSectionHtml(report: CalibrationReport, card: ModelCard): string {
  const m = report.metrics;
  const c = m.calibration;
  const figure = chartFigure;
  const t = report.temperature;
  const temperature = t ? `<h3>Temperature scaling</h3>
<p class="meta">Fitted on ${t.pixels} labelled pixels (a seeded uniform sample of all of them), on the mean MC probabilities.${t.savedTo ? ` Saved into <code>${escapeHtml(t.savedTo)}</code> as ${fmt(t.combined)}.` : ''}</p>
<table>${row(['', 'T', 'ECE', 'NLL (nats)'], true)}
${row(['before', fmt(t.previous), fmt(t.eceBefore), fmt(t.nllBefore)])}
${row(['after', `${fmt(t.combined)} (×${fmt(t.fitted)})`, fmt(t.eceAfter), fmt(t.nllAfter)])}</table>` : '';
  const kinds = KINDS.map(([k, name]) => {
    const u = m.uncertainty[k];
    return row([escapeHtml(name), fmt(u.auroc), fmt(u.aupr), fmt(u.ause), fmt(u.pavpu.best.pavpu), fmt(u.pavpu.best.threshold, 5),
      fmt(u.pavpu.fixed.pavpu), fmt(u.pavpu.fixed.threshold, 5), fmt(u.pavpu.fixed.pAccurateGivenCertain), fmt(u.pavpu.fixed.pUncertainGivenInaccurate),
      fmt(u.pavpu.labelFree.pavpu), fmt(u.pavpu.labelFree.threshold, 5)]);
  }).join('\n');
  const classes = m.perClass.map((p) => {
    const name = card.classes[p.index]?.name ?? String(p.index);
    return `<tr><td class="name" data-v="${escapeHtml(name)}">${escapeHtml(name)}</td>`
      + [p.iou, p.accuracy, p.frequency, p.meanEntropy, p.meanMutualInformation, p.meanVariance]
        .map((v, i) => `<td data-v="${dataV(v)}">${fmt(v, i === 5 ? 6 : 4)}</td>`).join('') + '</tr>';
  }).join('\n');
  return `<section id="calibration"><h2>Calibration and uncertainty quality</h2>
<p class="meta">${m.images} labelled images · ${m.pixels} labelled pixels at label resolution · ${report.bins} equal-width bins · labels <code>${escapeHtml(report.labels)}</code></p>
<table>${row(['global accuracy', 'class-average accuracy', 'mean IoU', 'ECE', 'MCE', 'adaptive ECE', 'class-wise ECE', 'Brier', 'NLL (nats)'], true)}
${row([fmt(m.globalAccuracy), fmt(m.classAverageAccuracy), fmt(m.meanIoU), fmt(c.ece), fmt(c.mce), fmt(c.adaptiveEce), fmt(c.classwiseEce), fmt(c.brier), fmt(c.nll)])}</table>
${temperature}
<h3>Uncertainty quality</h3>
<p class="meta">Misclassification detection (AUROC, AUPR), area between sparsification curve and oracle (AUSE, lower is better), PAvPU on 4×4 patches (accurate when ≥ 50% of a patch's pixels are right) at its best threshold (chosen with the labels: optimistic), at the balanced one (as many uncertain patches as inaccurate ones) and at a label-free one (the share of uncertain patches set to the model's expected error rate, 1 − mean confidence). Log-spaced bins 0.1% wide: AUROC, AUPR and AUSE agree with an exact per-pixel sort to about 1e-4.</p>
<table>${row(['uncertainty', 'AUROC', 'AUPR', 'AUSE', 'PAvPU best', 'at', 'PAvPU balanced', 'at', 'p(accurate | certain)', 'p(uncertain | inaccurate)', 'PAvPU label-free', 'at'], true)}
${kinds}</table>
<h3>Per class</h3><p class="meta">Click a column to sort.</p>
<table class="sortable"><thead><tr><th>class</th><th>IoU</th><th>accuracy</th><th>pixel share</th><th>mean entropy</th><th>mean MI</th><th>mean variance</th></tr></thead>
<tbody>${classes}</tbody></table>
<div class="charts">${figure(report.charts.reliability, 'Reliability diagram: accuracy per confidence bin, gap to the diagonal')}
${figure(report.charts.confidence, 'Confidence histogram')}
${figure(report.charts.percentile, 'Accuracy of the most certain pixels by uncertainty percentile')}
${figure(report.charts.sparsification, 'Sparsification curves and their oracles')}
${figure(report.charts.perClass, 'Per-class mean entropy against IoU')}</div></section>`;
}

/** index.html of calibration.json files merged (runs made without --shard): the runs, then the section. */
export function mergedCalibrationHtml(runs: readonly { readonly file: string; readonly images: number }[], merged: CalibrationReport, card: ModelCard): string {
  return pageHtml('segnet-uq merged calibration', `<h1>segnet-uq calibration, ${runs.length} runs merged</h1>
<ul>${runs.map((r) => `<li><code>${escapeHtml(path.resolve(r.file))}</code>: ${r.images} labelled images</li>`).join('')}</ul>
${calibrationSectionHtml(merged, card)}`);
}
