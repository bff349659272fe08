/**
 * A fitted conformal file applied to one image: its set-size map and, with a label, the share
 * of its labelled pixels whose true class is in the set, by class and by object size; and the
 * run's numbers from the images' records (means over images, each image one unit, as the fit).
 */
import { sizeBins, SIZE_BINS } from './components';
import type { ImageConformal } from '../report/summary';
import { setSizes, type ConformalMethod } from './scores';

/** What sets are made with: the method and a threshold per class (all equal unless Mondrian). */
export interface ConformalSets {
  readonly method: ConformalMethod;
  readonly thresholds: readonly number[];
}

export interface AppliedImage {
  readonly record: ImageConformal;
  /** set size per pixel [P] */
  readonly sizes: Uint8Array;
}

const ratio = (covered: number, total: number): number | null => (total > 0 ? covered / total : null);

/**
 * Sets over class-major probabilities [C, P] (width x height); with `label` [P] (same size) its
 * coverage. Label values >= C other than the ignored one are left out, as in the fit.
 */
export function applySets(sets: ConformalSets, probs: Float32Array, width: number, height: number,
  label?: { readonly data: Uint8Array; readonly ignoreIndex: number | null }): AppliedImage {
  const C = sets.thresholds.length;
  const P = width * height;
  const bins = label ? sizeBins(label.data, width, height, label.ignoreIndex) : null;
  const classCovered = new Float64Array(C), classTotal = new Float64Array(C);
  const sizeCovered = new Float64Array(SIZE_BINS.length), sizeTotal = new Float64Array(SIZE_BINS.length);
  const sizes = setSizes(probs, C, P, sets.method, sets.thresholds, label ? (px, top, u) => {
    const y = label.data[px];
    if (y === label.ignoreIndex || y >= C) return;
    const hit = y === top || u[y] >= sets.thresholds[y] ? 1 : 0;
    classTotal[y]++;
    classCovered[y] += hit;
    const b = (bins as Uint8Array)[px];
    sizeTotal[b]++;
    sizeCovered[b] += hit;
  } : undefined);
  let total = 0, ambiguous = 0;
  for (let px = 0; px < P; px++) {
    total += sizes[px];
    if (sizes[px] > 1) ambiguous++;
  }
  const base = { meanSetSize: P ? total / P : 0, ambiguous: P ? ambiguous / P : 0 };
  if (!label) return { record: base, sizes };
  let covered = 0, labelled = 0;
  for (let c = 0; c < C; c++) { covered += classCovered[c]; labelled += classTotal[c]; }
  return {
    sizes, record: {
      ...base, coverage: ratio(covered, labelled), byClass: Array.from(classTotal, (t, c) => ratio(classCovered[c], t)),
      bySize: Array.from(sizeTotal, (t, b) => ratio(sizeCovered[b], t)),
    },
  };
}

/** summary.json's metrics.conformal: means over images (coverage over the images with labelled pixels). */
export interface ConformalMetrics {
  readonly coverage: number | null;
  readonly meanSetSize: number;
  readonly ambiguous: number;
  /** images with a coverage */
  readonly images: number;
  /** sample standard deviation of the images' coverage (the audit gate's slack) */
  readonly coverageStd: number | null;
  readonly byClass: readonly { readonly class: string; readonly images: number; readonly coverage: number | null }[];
  readonly bySize: readonly { readonly bin: string; readonly images: number; readonly coverage: number | null }[];
}

function meanOf(values: readonly (number | null | undefined)[]): { mean: number | null; n: number; std: number | null } {
  const v = values.filter((x): x is number => typeof x === 'number');
  if (v.length === 0) return { mean: null, n: 0, std: null };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : null;
  return { mean, n: v.length, std };
}

/** The run's conformal numbers from its images' records; undefined when no image has one. */
export function conformalMetrics(images: readonly { readonly conformal?: ImageConformal }[], classes: readonly string[]): ConformalMetrics | undefined {
  const records = images.flatMap((i) => (i.conformal ? [i.conformal] : []));
  if (records.length === 0) return undefined;
  const coverage = meanOf(records.map((r) => r.coverage));
  const column = (key: 'byClass' | 'bySize', i: number): { mean: number | null; n: number } => meanOf(records.map((r) => r[key]?.[i]));
  return {
    coverage: coverage.mean, meanSetSize: meanOf(records.map((r) => r.meanSetSize)).mean ?? 0, ambiguous: meanOf(records.map((r) => r.ambiguous)).mean ?? 0,
    images: coverage.n, coverageStd: coverage.std,
    byClass: classes.map((name, c) => { const m = column('byClass', c); return { class: name, images: m.n, coverage: m.mean }; }),
    bySize: SIZE_BINS.map((bin, b) => { const m = column('bySize', b); return { bin, images: m.n, coverage: m.mean }; }),
  };
}
