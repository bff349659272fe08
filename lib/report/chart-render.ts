/**
 * chart.js 4 rendered off-screen on @napi-rs/canvas: no DOM, no network, no system library.
 * Components are registered explicitly; animation and responsiveness are off, so a chart is
 * drawn synchronously when it is constructed and the same config gives the same PNG.
 */
import { createCanvas } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Title,
  type ChartConfiguration,
  type ChartType,
  type Plugin,
} from 'chart.js';
import { checkInteger } from '../validate';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement,
  ScatterController, Legend, Title);
Chart.defaults.font.size = 12; // CHART_FONT_PX

/** Paints the whole canvas white under the chart (PNGs are otherwise transparent). */
const whiteBackground: Plugin = {
  id: 'segnetUqWhiteBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

export interface ChartSize {
  /** [width=640] CSS pixels: the width the page shows the chart at */
  readonly width?: number;
  /** [height=420] CSS pixels */
  readonly height?: number;
}

/** The size a chart is drawn and shown at, in CSS pixels; its PNG holds CHART_DPR times as many. */
export const DEFAULT_CHART_SIZE = { width: 640, height: 420 } as const;
/**
 * Device-pixel ratio of the chart PNGs: sharp on high-density screens. Pages show each chart at
 * its CSS size (never scaled down, so its 12 px text stays 12 px; a narrow screen scrolls it).
 */
export const CHART_DPR = 2;
/** chart.js's smallest text (tick labels, legend), CSS pixels */
export const CHART_FONT_PX = 12;

/** Renders a chart.js configuration to PNG bytes of CHART_DPR x `size` pixels. */
export function renderChart<T extends ChartType>(config: ChartConfiguration<T>, size: ChartSize = {}): Buffer {
  const width = checkInteger('width', size.width ?? DEFAULT_CHART_SIZE.width, 16, 4096);
  const height = checkInteger('height', size.height ?? DEFAULT_CHART_SIZE.height, 16, 4096);
  const canvas = createCanvas(width, height);
  const options = { ...(config.options ?? {}), animation: false, responsive: false, maintainAspectRatio: false, devicePixelRatio: CHART_DPR };
  // chart.js's platform layer only needs getContext('2d') and width/height, which this canvas has.
  const item = canvas as unknown as ConstructorParameters<typeof Chart>[0];
  const chart = new Chart(item, { ...config, options, plugins: [...(config.plugins ?? []), whiteBackground] } as ChartConfiguration<T>);
  try {
    chart.draw();
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}

/** Colours of the series, colour-blind safe (Okabe-Ito). */
export const SERIES_COLORS: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
