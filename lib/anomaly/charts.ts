/** The anomaly section's charts: ROC and precision-recall curves, one series per score. */
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { insideOutput, writeFileAtomic } from '../atomic';
import { renderChart, SERIES_COLORS } from '../report/chart-render';
import { axis, title } from '../report/charts';
import type { CurvePoints } from './pixel-metrics';
import { ANOMALY_KIND_LABEL, type AnomalyKind } from './scores';

export interface AnomalyCharts {
  readonly roc: string;
  readonly pr: string;
}

type Curves = Partial<Record<AnomalyKind, CurvePoints>>;

/** The chart.js configuration alone (tests check what is plotted). */
export function anomalyCurveConfig(curves: Curves, which: 'roc' | 'pr'): ChartConfiguration<'line'> {
  const datasets = (Object.entries(curves) as [AnomalyKind, CurvePoints][]).map(([kind, c], i) => ({
    label: ANOMALY_KIND_LABEL[kind],
    data: which === 'roc' ? c.fpr.map((x, k) => ({ x, y: c.tpr[k] })) : c.recall.map((x, k) => ({ x, y: c.precision[k] })),
    borderColor: SERIES_COLORS[i], backgroundColor: SERIES_COLORS[i], pointRadius: 0, borderWidth: 2,
  })) as unknown as ChartDataset<'line'>[];
  if (which === 'roc') {
    datasets.push({ label: 'chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: '#999', borderDash: [5, 4], pointRadius: 0, borderWidth: 1 } as unknown as ChartDataset<'line'>);
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      plugins: { title: title(which === 'roc' ? 'ROC: anomaly pixels against inliers' : 'Precision-recall of anomaly pixels'), legend: { position: 'top' } },
      scales: which === 'roc'
        ? { x: axis('false positive rate', { type: 'linear', min: 0, max: 1 }), y: axis('true positive rate', { min: 0, max: 1 }) }
        : { x: axis('recall', { type: 'linear', min: 0, max: 1 }), y: axis('precision', { min: 0, max: 1 }) },
    },
  };
}

/** Writes OUT/anomaly/roc.png and pr.png; returns their relative paths. */
export function writeAnomalyCharts(out: string, curves: Curves): AnomalyCharts {
  const charts = { roc: 'anomaly/roc.png', pr: 'anomaly/pr.png' };
  writeFileAtomic(insideOutput(out, charts.roc), renderChart(anomalyCurveConfig(curves, 'roc')));
  writeFileAtomic(insideOutput(out, charts.pr), renderChart(anomalyCurveConfig(curves, 'pr')));
  return charts;
}
