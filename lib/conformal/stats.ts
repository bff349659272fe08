/**
 * The streamed statistics a conformal fit needs, of a size fixed by the grid and the classes
 * (never by the number of images). Each image is one exchangeable unit: its loss at each grid
 * threshold is a share of its own pixels, and the fit needs only the mean of those losses over
 * the images, so each group (all labelled pixels, each class, each object-size bin) keeps the sum
 * over images of the image's missed share at every grid point, and how many images had pixels
 * of the group. Sums add up, so shards merge exactly as one run (up to float rounding).
 */
import { sizeBins, SIZE_BINS } from './components';
import { gridIndex, scorePixel, type ConformalMethod } from './scores';

/** Per group: sum over images of the share of its pixels missed at grid point k; images with pixels of it. */
export interface GroupSums {
  images: number;
  readonly miss: Float64Array;
}

export interface ConformalStats {
  readonly method: ConformalMethod;
  readonly grid: Float64Array;
  readonly classes: number;
  readonly ignoreIndex: number | null;
  /** every labelled pixel: the miscoverage risk */
  readonly pooled: GroupSums;
  /** the pixels labelled c: fnr:c, and the Mondrian thresholds */
  readonly perClass: GroupSums[];
  /** the labelled pixels by the size of their object (SIZE_BINS) */
  readonly bySize: GroupSums[];
  /** sum over images of the share of pixels whose class c (not top) is in the set at grid point k, [C, K] */
  readonly extra: Float64Array;
  /** images that added to `extra` (every image, labelled or not) */
  setImages: number;
}

const group = (k: number): GroupSums => ({ images: 0, miss: new Float64Array(k) });

export function createConformalStats(method: ConformalMethod, grid: Float64Array, classes: number, ignoreIndex: number | null): ConformalStats {
  const k = grid.length;
  return {
    method, grid, classes, ignoreIndex, pooled: group(k), perClass: Array.from({ length: classes }, () => group(k)),
    bySize: SIZE_BINS.map(() => group(k)), extra: new Float64Array(classes * k), setImages: 0,
  };
}

/** Adds the cumulative share of `hist` (counts per grid index 0..K, at `offset`) out of `total` pixels to `into`. */
function addMissed(into: GroupSums, hist: Int32Array, offset: number, total: number): void {
  if (total === 0) return;
  into.images++;
  let cum = 0;
  for (let k = 0; k < into.miss.length; k++) {
    cum += hist[offset + k];
    into.miss[k] += cum / total;
  }
}

/**
 * One labelled image: class-major mean probabilities [C, P] and its label [P] (same resolution).
 * A pixel of true class y is missed at grid point k when y is not its top class and
 * gridIndex(u_y) <= k; label values >= C other than the ignored one are left out.
 */
export function addConformalImage(stats: ConformalStats, probs: Float32Array, label: Uint8Array, width: number, height: number): void {
  const { classes: C, grid } = stats;
  const K = grid.length;
  const P = width * height;
  const stride = K + 1;
  const classHist = new Int32Array(C * stride), sizeHist = new Int32Array(SIZE_BINS.length * stride), extraHist = new Int32Array(C * stride);
  const classPixels = new Float64Array(C), sizePixels = new Float64Array(SIZE_BINS.length);
  const bins = sizeBins(label, width, height, stats.ignoreIndex);
  const u = new Float64Array(C), order = new Int32Array(C);
  let labelled = 0;
  for (let px = 0; px < P; px++) {
    const top = scorePixel(probs, C, P, px, stats.method, u, order);
    for (let c = 0; c < C; c++) if (c !== top) extraHist[c * stride + gridIndex(grid, u[c])]++;
    const y = label[px];
    if (y === stats.ignoreIndex || y >= C) continue;
    labelled++;
    classPixels[y]++;
    const b = bins[px];
    sizePixels[b]++;
    if (y === top) continue;
    const idx = gridIndex(grid, u[y]);
    classHist[y * stride + idx]++;
    sizeHist[b * stride + idx]++;
  }
  const pooledHist = new Int32Array(stride);
  for (let c = 0; c < C; c++) for (let k = 0; k < stride; k++) pooledHist[k] += classHist[c * stride + k];
  addMissed(stats.pooled, pooledHist, 0, labelled);
  for (let c = 0; c < C; c++) addMissed(stats.perClass[c], classHist, c * stride, classPixels[c]);
  for (let b = 0; b < SIZE_BINS.length; b++) addMissed(stats.bySize[b], sizeHist, b * stride, sizePixels[b]);
  if (P === 0) return;
  stats.setImages++;
  // in the set at k: gridIndex(u) > k, i.e. the pixels not counted up to k
  for (let c = 0; c < C; c++) {
    let total = 0;
    for (let k = 0; k < stride; k++) total += extraHist[c * stride + k];
    let cum = 0;
    for (let k = 0; k < K; k++) {
      cum += extraHist[c * stride + k];
      stats.extra[c * K + k] += (total - cum) / P;
    }
  }
}

/** Mean over the group's images of the missed share at each grid point (a monotone risk curve). */
export function meanRisk(g: GroupSums): Float64Array {
  return g.miss.map((v) => (g.images ? v / g.images : 0));
}

/** Mean set size over the images at per-class grid indices `at` [C]. */
export function meanSetSizeAt(stats: ConformalStats, at: readonly number[]): number {
  if (stats.setImages === 0) return 1;
  const K = stats.grid.length;
  let extra = 0;
  for (let c = 0; c < stats.classes; c++) extra += stats.extra[c * K + at[c]];
  return 1 + extra / stats.setImages;
}

/** The JSON form (what a shard's conformal.json holds for merge). */
export interface ConformalStatsJSON {
  readonly method: ConformalMethod;
  readonly grid: readonly number[];
  readonly classes: number;
  readonly ignoreIndex: number | null;
  readonly pooled: { images: number; miss: number[] };
  readonly perClass: { images: number; miss: number[] }[];
  readonly bySize: { images: number; miss: number[] }[];
  readonly extra: number[];
  readonly setImages: number;
}

const groupJSON = (g: GroupSums): { images: number; miss: number[] } => ({ images: g.images, miss: Array.from(g.miss) });

export function conformalStatsToJSON(s: ConformalStats): ConformalStatsJSON {
  return {
    method: s.method, grid: Array.from(s.grid), classes: s.classes, ignoreIndex: s.ignoreIndex, pooled: groupJSON(s.pooled),
    perClass: s.perClass.map(groupJSON), bySize: s.bySize.map(groupJSON), extra: Array.from(s.extra), setImages: s.setImages,
  };
}

/** Reads the JSON form back; throws a plain Error saying what is damaged (the caller names the file). */
export function conformalStatsFromJSON(j: ConformalStatsJSON): ConformalStats {
  const K = Array.isArray(j?.grid) ? j.grid.length : 0;
  const numbers = (a: unknown, n: number, what: string): Float64Array => {
    if (!Array.isArray(a) || a.length !== n || !a.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`stats.${what} must be ${n} finite numbers`);
    return Float64Array.from(a as number[]);
  };
  const groupOf = (g: unknown, what: string): GroupSums => {
    const o = g as { images?: unknown; miss?: unknown } | null;
    if (!o || typeof o.images !== 'number' || !Number.isInteger(o.images) || o.images < 0) throw new Error(`stats.${what}.images must be an integer >= 0`);
    return { images: o.images, miss: numbers(o.miss, K, `${what}.miss`) };
  };
  if (K < 2) throw new Error('stats.grid must hold the threshold grid');
  if (!Number.isInteger(j.classes) || j.classes < 1 || !Array.isArray(j.perClass) || j.perClass.length !== j.classes) throw new Error('stats.perClass must hold one entry per class');
  if (!Array.isArray(j.bySize) || j.bySize.length !== SIZE_BINS.length) throw new Error(`stats.bySize must hold ${SIZE_BINS.length} entries`);
  if (!Number.isInteger(j.setImages) || j.setImages < 0) throw new Error('stats.setImages must be an integer >= 0');
  return {
    method: j.method, grid: numbers(j.grid, K, 'grid'), classes: j.classes, ignoreIndex: j.ignoreIndex ?? null, pooled: groupOf(j.pooled, 'pooled'),
    perClass: j.perClass.map((g, c) => groupOf(g, `perClass[${c}]`)), bySize: j.bySize.map((g, b) => groupOf(g, `bySize[${b}]`)),
    extra: numbers(j.extra, j.classes * K, 'extra'), setImages: j.setImages,
  };
}

/** a + b into a new object; the two must share method, grid, classes and ignore index. */
export function mergeConformalStats(a: ConformalStats, b: ConformalStats): ConformalStats {
  if (a.method !== b.method || a.classes !== b.classes || a.ignoreIndex !== b.ignoreIndex || a.grid.length !== b.grid.length || a.grid.some((v, i) => v !== b.grid[i])) {
    throw new Error('the statistics were made with another method, grid, class list or ignore index');
  }
  const add = (x: GroupSums, y: GroupSums): GroupSums => ({ images: x.images + y.images, miss: x.miss.map((v, i) => v + y.miss[i]) });
  return {
    ...a, pooled: add(a.pooled, b.pooled), perClass: a.perClass.map((g, c) => add(g, b.perClass[c])), bySize: a.bySize.map((g, i) => add(g, b.bySize[i])),
    extra: a.extra.map((v, i) => v + b.extra[i]), setImages: a.setImages + b.setImages,
  };
}
