/**
 * The report's charts as PNG bytes. Every function takes precomputed values (from
 * summarizeMetrics or a command's own table) and never recomputes a metric; each `...Config`
 * builds the chart.js configuration alone, so tests can check what is plotted.
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { UncertaintyKind } from '../metrics/types';
import { renderChart, SERIES_COLORS, type ChartSize } from './chart-render';

type Value = number | null;

const KIND_LABEL: Record<UncertaintyKind, string> = {
  entropy: 'predictive entropy',
  mutualInformation: 'mutual information',
  variance: 'mean class variance',
};

export const title = (text: string) => ({ display: true, text, font: { size: 15 } });
export const axis = (text: string, extra: Record<string, unknown> = {}) => ({ title: { display: true, text }, ...extra });

function checkSameLength(what: string, ...arrays: readonly (readonly unknown[])[]): number {
  const n = arrays[0].length;
  for (const a of arrays) if (a.length !== n) throw new RangeError(`${what}: arrays must have the same length, got ${arrays.map((x) => x.length).join(' and ')}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Reliability diagram and confidence histogram
// ---------------------------------------------------------------------------------------------

/** Equal-width confidence bins as MetricSummary.calibration.bins holds them. */
export interface ReliabilityBins {
  readonly binLower: readonly number[];
  readonly binUpper: readonly number[];
  /** mean confidence per bin (null: empty bin) */
  readonly confidence: readonly Value[];
  /** accuracy per bin (null: empty bin) */
  readonly accuracy: readonly Value[];
  /** pixels per bin */
  readonly count: readonly number[];
}

const binLabel = (lo: number, hi: number): string => ((lo + hi) / 2).toFixed(2);

/** A pixel count in few characters: 950, 12k, 3.4M. */
export function shortCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${Number((n / 1e3).toPrecision(n < 1e4 ? 2 : 3))}k`;
  return `${Number((n / 1e6).toPrecision(n < 1e7 ? 2 : 3))}M`;
}

/** The gap bars' colours: over-confidence (confidence above accuracy) and under-confidence. */
export const GAP_COLORS = { over: '#D55E00', under: '#009E73' } as const;

/**
 * Accuracy bars per bin, the gap to the bin's mean confidence as a narrower opaque bar in its
 * legend's colour (orange: confidence above accuracy; green: accuracy above confidence), the
 * diagonal, and each bin's pixel count under its label. Nothing is translucent, so no colour
 * on the chart is a mix the legend does not name.
 */
export function reliabilityDiagramConfig(bins: ReliabilityBins, options: { title?: string } = {}): ChartConfiguration<'bar'> {
  const n = checkSameLength('reliability bins', bins.binLower, bins.binUpper, bins.confidence, bins.accuracy, bins.count);
  const labels = Array.from({ length: n }, (_, b) => [binLabel(bins.binLower[b], bins.binUpper[b]), `n=${shortCount(bins.count[b])}`]);
  const gap = (over: boolean) => Array.from({ length: n }, (_, b): [number, number] | null => {
    const a = bins.accuracy[b], c = bins.confidence[b];
    if (a === null || c === null || (over ? c <= a : a <= c)) return null;
    return [Math.min(a, c), Math.max(a, c)];
  });
  const diagonal = Array.from({ length: n }, (_, b) => (bins.binLower[b] + bins.binUpper[b]) / 2);
  const gapBar = { type: 'bar', grouped: false, barPercentage: 0.45, borderWidth: 0, order: 1 };
  const datasets = [
    { type: 'bar', label: 'accuracy', data: bins.accuracy.slice(), backgroundColor: '#0072B2', grouped: false, order: 2 },
    { ...gapBar, label: 'gap: confidence above accuracy', data: gap(true), backgroundColor: GAP_COLORS.over },
    { ...gapBar, label: 'gap: accuracy above confidence', data: gap(false), backgroundColor: GAP_COLORS.under },
    { type: 'line', label: 'perfect calibration', data: diagonal, borderColor: '#555', borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, order: 0 },
  ] as unknown as ChartDataset<'bar'>[];
  return {
    type: 'bar',
    data: { labels, datasets },
    options: {
      plugins: { title: title(options.title ?? 'Reliability diagram'), legend: { position: 'top' } },
      scales: { x: axis('confidence, bin centre (n: pixels in the bin)', { categoryPercentage: 1, barPercentage: 0.95 }), y: axis('accuracy', { min: 0, max: 1 }) },
    },
  };
}

export function reliabilityDiagram(bins: ReliabilityBins, size?: ChartSize): Buffer {
  return renderChart(reliabilityDiagramConfig(bins), size);
}

/** Share of pixels per confidence bin. */
export function confidenceHistogramConfig(bins: Pick<ReliabilityBins, 'binLower' | 'binUpper' | 'count'>): ChartConfiguration<'bar'> {
  const n = checkSameLength('confidence bins', bins.binLower, bins.binUpper, bins.count);
  let total = 0;
  for (const c of bins.count) total += c;
  return {
    type: 'bar',
    data: {
      labels: Array.from({ length: n }, (_, b) => binLabel(bins.binLower[b], bins.binUpper[b])),
      datasets: [{ label: 'share of pixels', data: bins.count.map((c) => (total > 0 ? c / total : 0)), backgroundColor: 'rgba(0,114,178,0.85)' }],
    },
    options: {
      plugins: { title: title('Confidence histogram'), legend: { display: false } },
      scales: { x: axis('confidence (bin centre)', { categoryPercentage: 1, barPercentage: 0.95 }), y: axis('share of pixels', { min: 0 }) },
    },
  };
}

export function confidenceHistogram(bins: Pick<ReliabilityBins, 'binLower' | 'binUpper' | 'count'>, size?: ChartSize): Buffer {
  return renderChart(confidenceHistogramConfig(bins), size);
}

// ---------------------------------------------------------------------------------------------
// Uncertainty quality
// ---------------------------------------------------------------------------------------------

/** Per kind: accuracy of the p% most certain pixels. */
export type PercentileSeries = Partial<Record<UncertaintyKind, readonly { readonly percentile: number; readonly accuracy: Value }[]>>;

const kinds = <T>(record: Partial<Record<UncertaintyKind, T>>): [UncertaintyKind, T][] =>
  (['entropy', 'mutualInformation', 'variance'] as const).filter((k) => record[k] !== undefined).map((k) => [k, record[k] as T]);

const xy = (xs: readonly number[], ys: readonly Value[]) => xs.map((x, i) => ({ x, y: ys[i] }));

export function accuracyVsUncertaintyPercentileConfig(series: PercentileSeries): ChartConfiguration<'line'> {
  const datasets = kinds(series).map(([kind, points], i) => ({
    label: KIND_LABEL[kind],
    data: points.map((p) => ({ x: p.percentile, y: p.accuracy })),
    borderColor: SERIES_COLORS[i], backgroundColor: SERIES_COLORS[i], pointRadius: 3, borderWidth: 2,
  })) as unknown as ChartDataset<'line'>[];
  return {
    type: 'line',
    data: { datasets },
    options: {
      plugins: { title: title('Accuracy of the most certain pixels'), legend: { position: 'top' } },
      scales: { x: axis('uncertainty percentile (pixels kept, %)', { type: 'linear', min: 0, max: 100 }), y: axis('accuracy', { max: 1 }) },
    },
  };
}

export function accuracyVsUncertaintyPercentile(series: PercentileSeries, size?: ChartSize): Buffer {
  return renderChart(accuracyVsUncertaintyPercentileConfig(series), size);
}

/** Per kind: error rate of the remaining pixels after removing a fraction, and its oracle. */
export type SparsificationSeries = Partial<Record<UncertaintyKind, {
  readonly fractions: readonly number[];
  readonly error: readonly Value[];
  readonly oracle: readonly Value[];
}>>;

export function sparsificationCurvesConfig(series: SparsificationSeries): ChartConfiguration<'line'> {
  const datasets: unknown[] = [];
  kinds(series).forEach(([kind, curve], i) => {
    checkSameLength(`sparsification ${kind}`, curve.fractions, curve.error, curve.oracle);
    const color = SERIES_COLORS[i];
    datasets.push({ label: KIND_LABEL[kind], data: xy(curve.fractions, curve.error), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2 });
    datasets.push({ label: `oracle (${KIND_LABEL[kind]})`, data: xy(curve.fractions, curve.oracle), borderColor: color, backgroundColor: color, borderDash: [5, 4], pointRadius: 0, borderWidth: 1.5 });
  });
  return {
    type: 'line',
    data: { datasets: datasets as ChartDataset<'line'>[] },
    options: {
      plugins: { title: title('Sparsification curves'), legend: { position: 'top' } },
      scales: { x: axis('fraction of pixels removed (most uncertain first)', { type: 'linear', min: 0, max: 1 }), y: axis('error rate of the rest', { min: 0 }) },
    },
  };
}

export function sparsificationCurves(series: SparsificationSeries, size?: ChartSize): Buffer {
  return renderChart(sparsificationCurvesConfig(series), size);
}

// ---------------------------------------------------------------------------------------------
// Sample counts and per-class uncertainty
// ---------------------------------------------------------------------------------------------

export interface SampleCountSeries {
  /** the sample counts N, ascending */
  readonly counts: readonly number[];
  /** one line per metric, values per count */
  readonly series: readonly { readonly label: string; readonly values: readonly Value[] }[];
  readonly yLabel?: string;
  readonly title?: string;
}

/**
 * Metrics against the number of MC samples. The counts are categories, one evenly spaced tick
 * each, labelled with the integer itself: a numeric axis over counts such as 1,2,4,8 gave
 * colliding fractional ticks (1.00 1.10 1.20 ...).
 */
export function sampleCountChartConfig(input: SampleCountSeries): ChartConfiguration<'line'> {
  const datasets = input.series.map((s, i) => {
    checkSameLength(`series '${s.label}'`, input.counts, s.values);
    const color = SERIES_COLORS[i % SERIES_COLORS.length];
    return { label: s.label, data: s.values.slice(), borderColor: color, backgroundColor: color, pointRadius: 3, borderWidth: 2 };
  }) as unknown as ChartDataset<'line'>[];
  return {
    type: 'line',
    data: { labels: input.counts.map((n) => String(n)), datasets },
    options: {
      plugins: { title: title(input.title ?? 'Metrics against the number of MC samples'), legend: { position: 'top' } },
      scales: { x: axis('MC dropout samples N (one tick per count run)', { type: 'category' }), y: axis(input.yLabel ?? 'value') },
    },
  };
}

export function sampleCountChart(input: SampleCountSeries, size?: ChartSize): Buffer {
  return renderChart(sampleCountChartConfig(input), size);
}

export interface ClassPoint {
  readonly name: string;
  /** [r, g, b] 0..255 */
  readonly color: readonly [number, number, number];
  readonly iou: Value;
  /** mean uncertainty over the class's labelled pixels */
  readonly uncertainty: Value;
  /** share of labelled pixels, sizes the point (0..1) */
  readonly frequency?: Value;
}

/** One point per class: mean uncertainty (x) against IoU (y); classes with a null are left out. */
export function perClassUncertaintyVsIoUConfig(points: readonly ClassPoint[], options: { uncertaintyLabel?: string } = {}): ChartConfiguration<'scatter'> {
  const datasets = points.filter((p) => p.iou !== null && p.uncertainty !== null).map((p) => {
    const rgb = `rgb(${p.color.map((v) => Math.round(v)).join(',')})`;
    const radius = 4 + 14 * Math.sqrt(Math.max(0, Math.min(1, p.frequency ?? 0)));
    return { label: p.name, data: [{ x: p.uncertainty as number, y: p.iou as number }], backgroundColor: rgb, borderColor: '#333', borderWidth: 1, pointRadius: radius };
  });
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      plugins: { title: title('Per-class mean uncertainty against IoU (point area: pixel share)'), legend: { position: 'right' } },
      scales: { x: axis(options.uncertaintyLabel ?? 'mean uncertainty (nats)', { type: 'linear', min: 0, grace: '8%' }), y: axis('IoU', { min: 0, max: 1 }) },
    },
  };
}

export function perClassUncertaintyVsIoU(points: readonly ClassPoint[], options: { uncertaintyLabel?: string } & ChartSize = {}): Buffer {
  return renderChart(perClassUncertaintyVsIoUConfig(points, options), options);
}
