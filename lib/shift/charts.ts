/**
 * The shift page's charts: each metric against severity, one line per corruption (severity 0 is
 * the clean images, the same point for every line) and the mean over corruptions in black; and
 * a reliability diagram per severity over the pixels of every corruption at that severity.
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { insideOutput, writeFileAtomic } from '../atomic';
import { mergeMetricStats } from '../metrics/metric-stats';
import type { MetricStats } from '../metrics/types';
import { summarizeMetrics } from '../metrics/summary';
import { renderChart, SERIES_COLORS } from '../report/chart-render';
import { axis, reliabilityDiagramConfig, title } from '../report/charts';
import type { ShiftResult, ShiftRow, SeveritySummary } from './result';

/** What the metric charts plot: the row's value and the summary row's. */
export const SHIFT_CHART_METRICS = [
  { key: 'miou', label: 'mIoU', row: (r: ShiftRow) => r.metrics.meanIoU, mean: (s: SeveritySummary) => s.meanIoU },
  { key: 'ece', label: 'ECE', row: (r: ShiftRow) => r.metrics.calibration.ece, mean: (s: SeveritySummary) => s.ece },
  { key: 'nll', label: 'NLL (nats per pixel)', row: (r: ShiftRow) => r.metrics.calibration.nll, mean: (s: SeveritySummary) => s.nll },
  { key: 'entropy', label: 'mean predictive entropy (nats)', row: (r: ShiftRow) => r.metrics.meanEntropy, mean: (s: SeveritySummary) => s.meanEntropy },
  { key: 'mi', label: 'mean mutual information (nats)', row: (r: ShiftRow) => r.metrics.meanMutualInformation, mean: (s: SeveritySummary) => s.meanMutualInformation },
  { key: 'auroc', label: 'misclassification AUROC (entropy)', row: (r: ShiftRow) => r.metrics.uncertainty.entropy.auroc, mean: (s: SeveritySummary) => s.auroc },
] as const;

export type ShiftChartKey = (typeof SHIFT_CHART_METRICS)[number]['key'];

/** One metric against severity. */
export function shiftMetricChartConfig(result: ShiftResult, metric: (typeof SHIFT_CHART_METRICS)[number]): ChartConfiguration<'line'> {
  const clean = result.rows.find((r) => r.severity === 0);
  const point = (severity: number, v: number | null): { x: number; y: number } | null => (v === null ? null : { x: severity, y: v });
  const datasets = result.corruptions.map((name, i) => {
    const rows = result.rows.filter((r) => r.corruption === name).sort((a, b) => a.severity - b.severity);
    const data = [...(clean ? [point(0, metric.row(clean))] : []), ...rows.map((r) => point(r.severity, metric.row(r)))].filter(Boolean);
    const color = SERIES_COLORS[i % (SERIES_COLORS.length - 1)]; // black is the mean's
    // past the palette, lines repeat a colour dashed
    return { label: name, data, borderColor: color, backgroundColor: color, pointRadius: 2.5, borderWidth: 1.5, borderDash: i >= SERIES_COLORS.length - 1 ? [5, 3] : [] };
  });
  datasets.push({ label: 'mean over corruptions', data: result.bySeverity.map((s) => point(s.severity, metric.mean(s))).filter(Boolean), borderColor: '#000000',
    backgroundColor: '#000000', pointRadius: 3.5, borderWidth: 3, borderDash: [] });
  return {
    type: 'line',
    data: { datasets: datasets as unknown as ChartDataset<'line'>[] },
    options: {
      plugins: { title: title(`${metric.label} against corruption severity`), legend: { position: 'right', labels: { boxWidth: 14, font: { size: 10 } } } },
      scales: { x: axis('severity (0: clean)', { type: 'linear', min: 0, max: 5, ticks: { stepSize: 1 } }), y: axis(metric.label) },
    },
  };
}

/** The pooled statistics of every row at `severity` (the clean row alone at 0). */
function pooledAt(result: ShiftResult, stats: readonly MetricStats[], severity: number) {
  const at = stats.filter((_, k) => result.rows[k].severity === severity);
  return summarizeMetrics(at.reduce((a, b) => mergeMetricStats(a, b)));
}

/** Writes OUT/charts/shift-*.png; returns the files by name, relative to OUT. */
export function writeShiftCharts(out: string, result: ShiftResult, stats: readonly MetricStats[]): { metrics: Record<string, string>; reliability: { severity: number; file: string }[] } {
  const metrics: Record<string, string> = {};
  for (const m of SHIFT_CHART_METRICS) {
    const file = `charts/shift-${m.key}.png`;
    writeFileAtomic(insideOutput(out, file), renderChart(shiftMetricChartConfig(result, m), { width: 820, height: 440 }));
    metrics[m.key] = file;
  }
  const reliability = result.bySeverity.map(({ severity }) => {
    const file = `charts/shift-reliability-${severity}.png`;
    const pooled = pooledAt(result, stats, severity);
    const name = severity === 0 ? 'clean images' : `severity ${severity}, every corruption pooled`;
    writeFileAtomic(insideOutput(out, file), renderChart(reliabilityDiagramConfig(pooled.calibration.bins, { title: `Reliability: ${name} (ECE ${pooled.calibration.ece?.toFixed(3) ?? '–'})` }), { width: 480, height: 360 }));
    return { severity, file };
  });
  return { metrics, reliability };
}
