/**
 * The overview at the top of a report page: how uncertain the set is (histograms of per-image
 * mean entropy and mutual information), whether uncertainty tracks error (per-image uncertainty
 * against pixel accuracy and IoU, with labels), the most uncertain and least accurate images,
 * and what the run cost.
 */
import type { ChartConfiguration } from 'chart.js';
import { insideOutput, writeFileAtomic } from '../atomic';
import { renderChart, SERIES_COLORS } from './chart-render';
import { axis, title } from './charts';
import { chartFigure, escapeHtml } from './html';
import type { ReportImage, ReportSummary } from './summary';

/** [bins=20, worst=5] histogram bins and entries per worst-images list */
export const OVERVIEW_DEFAULTS = { bins: 20, worst: 5 } as const;

/** Equal-width bins over [min, max] of the values (one bin when they are all equal). */
export function histogram(values: readonly number[], bins: number): { lower: number[]; upper: number[]; count: number[] } {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const n = finite.length === 0 ? 0 : hi > lo ? bins : 1;
  const width = n > 0 ? (hi - lo) / n || 1 : 1;
  const count = new Array<number>(n).fill(0);
  for (const v of finite) count[Math.min(n - 1, Math.floor((v - lo) / width))]++;
  return { lower: count.map((_, b) => lo + b * width), upper: count.map((_, b) => lo + (b + 1) * width), count };
}

/** 'mean entropy (nats)' -> 'mean entropy, bin centre (nats)': one pair of brackets, the unit last. */
export function binAxisTitle(label: string): string {
  const m = /^(.*) \(([^()]*)\)$/.exec(label);
  return m ? `${m[1]}, bin centre (${m[2]})` : `${label}, bin centre`;
}

export function histogramConfig(values: readonly number[], label: string, bins = OVERVIEW_DEFAULTS.bins): ChartConfiguration<'bar'> {
  const h = histogram(values, bins);
  const digits = Math.max(2, Math.min(6, 2 - Math.floor(Math.log10(Math.max(1e-9, (h.upper[0] ?? 1) - (h.lower[0] ?? 0))))));
  return {
    type: 'bar',
    data: {
      labels: h.lower.map((l, b) => ((l + h.upper[b]) / 2).toFixed(digits)),
      datasets: [{ label: 'images', data: h.count, backgroundColor: 'rgba(0,114,178,0.85)' }],
    },
    options: {
      plugins: { title: title(`Per-image ${label}, ${values.length} images`), legend: { display: false } },
      scales: { x: axis(binAxisTitle(label), { categoryPercentage: 1, barPercentage: 0.95 }), y: axis('images', { min: 0, ticks: { precision: 0 } }) },
    },
  };
}

/** Per-image mean entropy (x) against pixel accuracy and IoU (y), labelled images only. */
export function uncertaintyVsAccuracyConfig(images: readonly ReportImage[]): ChartConfiguration<'scatter'> {
  const labelled = images.filter((i) => i.metrics);
  const acc = labelled.map((i) => ({ x: i.meanEntropy, y: i.metrics?.globalAccuracy as number }));
  const iou = labelled.filter((i) => i.metrics?.meanIoU !== null).map((i) => ({ x: i.meanEntropy, y: i.metrics?.meanIoU as number }));
  return {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'pixel accuracy', data: acc, backgroundColor: SERIES_COLORS[0], pointRadius: 3 },
        { label: 'mean IoU', data: iou, backgroundColor: SERIES_COLORS[1], pointRadius: 3, pointStyle: 'triangle' },
      ],
    },
    options: {
      plugins: { title: title(`Per-image uncertainty against accuracy, ${labelled.length} labelled images`) },
      scales: { x: axis('mean predictive entropy (nats)', { type: 'linear' }), y: axis('accuracy / IoU', { min: 0, max: 1 }) },
    },
  };
}

const fmt = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');

function worstList(images: readonly ReportImage[], key: (i: ReportImage) => number, heading: string, digits = 4): string {
  const rows = images.map((i) => i).sort((a, b) => key(a) - key(b)).slice(0, OVERVIEW_DEFAULTS.worst);
  return `<div><h3>${escapeHtml(heading)}</h3><ol>${rows.map((i) => `<li><a href="#${escapeHtml(i.id)}">${escapeHtml(i.file)}</a> ${fmt(Math.abs(key(i)), digits)}</li>`).join('')}</ol></div>`;
}

/** Writes OUT/charts/overview-*.png and returns the overview's HTML ('' for a run without images). */
export function writeOverview(out: string, summary: ReportSummary): string {
  const images = summary.images;
  if (images.length === 0) return '';
  const charts: [string, string, Buffer][] = [
    ['charts/overview-entropy.png', 'Histogram of per-image mean predictive entropy', renderChart(histogramConfig(images.map((i) => i.meanEntropy), 'mean entropy (nats)'))],
    ['charts/overview-mi.png', 'Histogram of per-image mean mutual information', renderChart(histogramConfig(images.map((i) => i.meanMutualInformation), 'mean MI (nats)'))],
  ];
  const labelled = images.filter((i) => i.metrics);
  if (labelled.length > 0) charts.push(['charts/overview-accuracy.png', 'Per-image mean entropy against pixel accuracy and mean IoU', renderChart(uncertaintyVsAccuracyConfig(images))]);
  for (const [rel, , png] of charts) writeFileAtomic(insideOutput(out, rel), png);
  const totalMs = images.reduce((s, i) => s + i.ms, 0);
  const samples = images.reduce((s, i) => s + (i.samples ?? 0), 0);
  const figures = charts.map(([rel, caption]) => chartFigure(rel, caption));
  const lists = [worstList(images, (i) => -i.meanEntropy, 'Most uncertain (mean entropy)'),
    worstList(images, (i) => -i.meanMutualInformation, 'Most model uncertainty (mean MI)', 5)];
  if (labelled.length > 0) lists.push(worstList(labelled, (i) => i.metrics?.globalAccuracy ?? 1, 'Least accurate (pixel accuracy)'));
  return `<div id="overview"><h2>Overview</h2>
<p class="meta">cost: ${images.length} images, ${samples > 0 ? `${samples} MC samples in all, ` : ''}${fmt(totalMs / 1000, 1)} s of sampling, ${fmt(totalMs / images.length, 0)} ms per image · ${summary.errors.length} errors</p>
<div class="charts">${figures.join('\n')}</div>
<div class="grid">${lists.join('\n')}</div></div>`;
}
