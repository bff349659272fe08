/**
 * Metrics per slice of the image set (Deepchecks' "weak segments"): terciles of brightness,
 * contrast, sharpness and size, and groups by file-name prefix or folder. Memory is constant in
 * the number of images: each property keeps a fixed histogram (binsFor: up to 1024 bins, fewer
 * for many classes, within about SLICE_BYTES), each bin a confusion matrix and uncertainty sums;
 * the terciles are cut at the end between whole bins, so their image counts are near, not
 * exactly, a third each (nearer with more bins; images of equal value always share a tercile).
 * Groups keep one accumulator per group, at most MAX_GROUPS.
 */
import * as path from 'path';
import { classAverageAccuracy, globalAccuracy, meanIoU } from '../metrics/segmentation';
import type { ConfusionMatrix } from '../metrics/types';
import type { SliceRecord } from '../report/formats';
import type { ImageProperties, ImageStats } from './image-stats';

export const MIN_BINS = 64;
export const MAX_BINS = 1024;
/** the memory the property histograms may take together */
export const SLICE_BYTES = 16 * 1024 * 1024;

/** Bins per property histogram for C classes: each bin holds C*C float64 counts. */
export function binsFor(numClasses: number): number {
  const fit = Math.floor(SLICE_BYTES / (4 * 8 * numClasses * numClasses));
  return Math.max(MIN_BINS, Math.min(MAX_BINS, fit));
}
export const MAX_GROUPS = 64;
export type GroupBy = 'prefix' | 'folder' | 'none';
export const GROUP_BY: readonly GroupBy[] = ['prefix', 'folder', 'none'];

/** Where each property's histogram spans; values outside fall in the end bins. */
const AXES: Readonly<Record<keyof ImageProperties, { lo: number; hi: number; log: boolean }>> = {
  brightness: { lo: 0, hi: 1, log: false },
  contrast: { lo: 0, hi: 0.5, log: false },
  sharpness: { lo: 1e-4, hi: 1, log: true },
  size: { lo: 1, hi: 2 ** 31, log: true },
};
export const PROPERTIES = Object.keys(AXES) as (keyof ImageProperties)[];

interface Cell {
  images: number;
  readonly counts: Float64Array;
  entropy: number;
  mutualInformation: number;
  lo: number;
  hi: number;
}

export interface SliceAccumulator {
  readonly numClasses: number;
  readonly binCount: number;
  readonly groupBy: GroupBy;
  readonly bins: Readonly<Record<keyof ImageProperties, Cell[]>>;
  readonly groups: Map<string, Cell>;
}

const cell = (c: number): Cell => ({ images: 0, counts: new Float64Array(c * c), entropy: 0, mutualInformation: 0, lo: Infinity, hi: -Infinity });

export function createSlices(numClasses: number, groupBy: GroupBy = 'none'): SliceAccumulator {
  const count = binsFor(numClasses);
  const bins = {} as Record<keyof ImageProperties, Cell[]>;
  for (const p of PROPERTIES) bins[p] = Array.from({ length: count }, () => cell(numClasses));
  return { numClasses, binCount: count, groupBy, bins, groups: new Map() };
}

/** The histogram bin of a property's value, of `bins` over the property's fixed axis. */
export function binOf(property: keyof ImageProperties, value: number, bins: number): number {
  const a = AXES[property];
  const t = a.log ? (Math.log(Math.max(value, a.lo)) - Math.log(a.lo)) / (Math.log(a.hi) - Math.log(a.lo)) : (value - a.lo) / (a.hi - a.lo);
  return Math.min(bins - 1, Math.max(0, Math.floor(t * bins)));
}

/** The group of a file: its name up to the first '_' (CamVid's sequence), or its folder's name. */
export function groupOf(file: string, by: GroupBy): string | null {
  if (by === 'none') return null;
  if (by === 'folder') return path.basename(path.dirname(file)) || '.';
  const base = path.basename(file);
  const cut = base.search(/[_-]/);
  return cut > 0 ? base.slice(0, cut) : base.replace(/\.[^.]*$/, '');
}

function addTo(c: Cell, s: ImageStats, value: number): void {
  c.images++;
  const counts = s.confusion.counts;
  for (let i = 0; i < counts.length; i++) c.counts[i] += counts[i];
  c.entropy += s.meanEntropy;
  c.mutualInformation += s.meanMutualInformation;
  c.lo = Math.min(c.lo, value);
  c.hi = Math.max(c.hi, value);
}

export function addToSlices(acc: SliceAccumulator, s: ImageStats): void {
  for (const p of PROPERTIES) addTo(acc.bins[p][binOf(p, s.properties[p], acc.binCount)], s, s.properties[p]);
  const g = groupOf(s.file, acc.groupBy);
  if (g === null) return;
  const key = acc.groups.has(g) || acc.groups.size < MAX_GROUPS ? g : '(other groups)';
  if (!acc.groups.has(key)) acc.groups.set(key, cell(acc.numClasses));
  addTo(acc.groups.get(key) as Cell, s, 0);
}

function merged(cells: readonly Cell[], c: number): Cell {
  const out = cell(c);
  for (const x of cells) {
    out.images += x.images;
    for (let i = 0; i < x.counts.length; i++) out.counts[i] += x.counts[i];
    out.entropy += x.entropy;
    out.mutualInformation += x.mutualInformation;
    out.lo = Math.min(out.lo, x.lo);
    out.hi = Math.max(out.hi, x.hi);
  }
  return out;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const round = (v: number): number => Number(v.toPrecision(4));

/** The slice metrics of a cell (SLICE_METRICS of lib/audit/gates.ts, plus mean mutual information). */
export function cellValues(c: { images: number; counts: Float64Array; entropy: number; mutualInformation: number }, numClasses: number): Record<string, number | null> {
  const cm: ConfusionMatrix = { numClasses, counts: c.counts };
  return {
    meanIoU: finite(meanIoU(cm)), globalAccuracy: finite(globalAccuracy(cm)), classAverageAccuracy: finite(classAverageAccuracy(cm)),
    meanEntropy: c.images ? c.entropy / c.images : null, meanMutualInformation: c.images ? c.mutualInformation / c.images : null,
  };
}

/** Splits a histogram into three runs of whole bins holding about a third of the images each. */
export function tercileCells(cells: readonly Cell[], c: number): Cell[] {
  const total = cells.reduce((a, x) => a + x.images, 0);
  const parts: Cell[][] = [[], [], []];
  let seen = 0;
  for (const x of cells) {
    if (x.images === 0) continue;
    // the part this bin's middle image falls in, so a bin is never split
    const part = Math.min(2, Math.floor(((seen + x.images / 2) / total) * 3));
    parts[part].push(x);
    seen += x.images;
  }
  return parts.map((p) => merged(p, c));
}

const TERCILES = ['low', 'mid', 'high'];

/** Every slice with at least one image, in a fixed order (properties, then groups by name). */
export function finishSlices(acc: SliceAccumulator): SliceRecord[] {
  const out: SliceRecord[] = [];
  for (const p of PROPERTIES) {
    const parts = tercileCells(acc.bins[p], acc.numClasses);
    // every image in one bin (CamVid's sizes): one slice, named so, not a lone "mid" tercile
    const single = parts.filter((x) => x.images > 0).length === 1;
    parts.forEach((x, i) => {
      if (x.images === 0) return;
      out.push({ property: p, name: `${p} ${single ? 'all' : TERCILES[i]} (${round(x.lo)}..${round(x.hi)})`, images: x.images, values: cellValues(x, acc.numClasses) });
    });
  }
  for (const g of [...acc.groups.keys()].sort()) {
    const x = acc.groups.get(g) as Cell;
    out.push({ property: acc.groupBy, name: `${acc.groupBy} ${g}`, images: x.images, values: cellValues(x, acc.numClasses) });
  }
  return out;
}

/** The key a slice is matched by across runs: property and tercile or group, without the value range. */
export const sliceKey = (s: SliceRecord): string => s.name.replace(/ \([^)]*\)$/, '');
