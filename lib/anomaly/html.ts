/** The anomaly section of index.html: the metric table per score, ROC and PR charts, each image's panel. */
import * as path from 'path';
import { escapeHtml, hrefOf } from '../report/html';
import type { AnomalyReport } from './report-file';
import { ANOMALY_KIND_LABEL, type AnomalyKind } from './scores';

const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const row = (cells: readonly string[], head = false): string => `<tr>${cells.map((c) => (head ? `<th>${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`;

export function anomalySectionHtml(report: AnomalyReport): string {
  const panelScore = report.panelScore;
  const rows = (Object.entries(report.scores) as [AnomalyKind, AnomalyReport['scores'][AnomalyKind]][]).map(([kind, s]) => row([
    escapeHtml(ANOMALY_KIND_LABEL[kind]), fmt(s.pixel.ap), fmt(s.pixel.auroc), fmt(s.pixel.fpr95), fmt(s.pixel.bestF1), fmt(s.pixel.threshold, 5),
    fmt(s.component.sIoU), fmt(s.component.ppv), fmt(s.component.meanF1), `${s.component.gtComponents} / ${s.component.predictedComponents}`,
  ])).join('\n');
  const figure = (src: string, caption: string): string =>
    `<figure><a href="${hrefOf(src)}" target="_blank"><img style="image-rendering:auto" src="${hrefOf(src)}" alt="${escapeHtml(caption)}"></a><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  const charts = report.charts ? `<div class="grid">${figure(report.charts.roc, 'ROC per score')}\n${figure(report.charts.pr, 'Precision-recall per score')}</div>` : '';
  const panels = report.perImage.filter((i) => i.panel).map((i) =>
    figure(i.panel as string, `${path.basename(i.file)}: ${ANOMALY_KIND_LABEL[panelScore]} | labelled anomaly in red (${i.anomalyPixels} px), outside the region dark`)).join('\n');
  const p = report.sizes;
  return `<section id="anomaly"><h2>Anomaly detection</h2>
<p class="meta">${report.images} images with anomaly labels <code>${escapeHtml(report.labels)}</code> (1 anomaly, 0 inlier, 255 outside). Pixel metrics pooled over every labelled pixel of the set, as Fishyscapes and SegmentMeIfYouCan pool them (AP as scikit-learn, FPR at the first threshold where TPR ≥ 0.95); log-spaced bins 0.1% wide keep them within 1e-3 of an exact sort. Component metrics as SegmentMeIfYouCan: the score thresholded at its best-F1 pixel threshold, 8-connected components, predicted components under ${p.minPredicted} px dropped, labelled ones under ${p.minAnomaly} px left out; mean F1 over sIoU/PPV thresholds 0.25..0.75.</p>
<table>${row(['score', 'AP', 'AUROC', 'FPR95', 'best F1', 'threshold', 'sIoU', 'PPV', 'mean F1', 'components labelled / predicted'], true)}
${rows}</table>
${charts}
${panels ? `<h3>Per image</h3><div class="grid">${panels}</div>` : ''}
</section>`;
}
