/**
 * Conformal prediction sets of a pixel, after the LAC and APS sets of Mossina et al.,
 * "Conformal semantic image segmentation" (deel-ai-papers/conformal-segmentation): each class c
 * gets a score u_c in [0, 1] and the set at threshold t is {c : u_c >= t} plus the top class, so
 * a lower threshold never shrinks a set (the losses are monotone in t).
 * - LAC: u_c = p_c, the mean MC probability;
 * - APS: u_c = 1 - (mass of the classes ranked above c): the classes in descending order until the
 *   mass before the next one exceeds 1 - t.
 * Thresholds are searched on a fixed grid (thresholdGrid) starting at 0, where every class is in.
 */
import { CONFORMAL_DEFAULTS } from '../defaults';

export const METHODS = ['lac', 'aps'] as const;
export type ConformalMethod = (typeof METHODS)[number];

/** 0, log-spaced points from `from` to 0.01, then steps of `step` up to 1 (CONFORMAL_DEFAULTS). */
export function thresholdGrid(from: number = CONFORMAL_DEFAULTS.gridFrom, perDecade: number = CONFORMAL_DEFAULTS.gridPerDecade,
  step: number = CONFORMAL_DEFAULTS.gridStep): Float64Array {
  const points: number[] = [0];
  const decades = Math.log10(0.01 / from);
  const logPoints = Math.round(decades * perDecade);
  for (let i = 0; i < logPoints; i++) points.push(from * 10 ** (i / perDecade));
  for (let t = 0.01; t < 1 - 1e-9; t += step) points.push(Number(t.toFixed(12)));
  points.push(1);
  return Float64Array.from(points);
}

/** The grid every fit and file of this version uses. */
export const GRID = thresholdGrid();

/** Number of grid points <= u: the pixel's class is in the set at grid point k iff k < gridIndex(u). */
export function gridIndex(grid: Float64Array, u: number): number {
  let lo = 0, hi = grid.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Fills `u` with pixel px's class scores from class-major probabilities [C, P]; returns its top
 * class (the first of equal maxima, as argmaxClasses), whose score is 1 for both methods.
 * `order` is scratch space of C entries (APS sorts the classes in it).
 */
export function scorePixel(probs: Float32Array, classes: number, pixels: number, px: number, method: ConformalMethod,
  u: Float64Array, order: Int32Array): number {
  let top = 0;
  let best = probs[px];
  for (let c = 0; c < classes; c++) {
    const p = probs[c * pixels + px];
    u[c] = p;
    if (p > best) { best = p; top = c; }
  }
  if (method === 'lac') {
    u[top] = 1;
    return top;
  }
  for (let c = 0; c < classes; c++) order[c] = c;
  // descending probability, ties by class index (so the top class is ranked first)
  order.sort((a, b) => (u[b] - u[a]) || (a - b));
  let above = 0;
  for (let r = 0; r < classes; r++) {
    const c = order[r];
    const p = u[c];
    u[c] = r === 0 ? 1 : Math.max(0, 1 - above);
    above += p;
  }
  u[top] = 1;
  return top;
}

/**
 * Thresholds per class: one shared threshold, or a Mondrian threshold per class. Returns the
 * set-size map [P] (uint8; 1 + the classes besides the top one whose score reaches their
 * threshold) and calls `visit(px, top)` with `u` filled, for the callers that need the scores.
 */
export function setSizes(probs: Float32Array, classes: number, pixels: number, method: ConformalMethod, thresholds: ArrayLike<number>,
  visit?: (px: number, top: number, u: Float64Array) => void): Uint8Array {
  const sizes = new Uint8Array(pixels);
  const u = new Float64Array(classes);
  const order = new Int32Array(classes);
  for (let px = 0; px < pixels; px++) {
    const top = scorePixel(probs, classes, pixels, px, method, u, order);
    let size = 1;
    for (let c = 0; c < classes; c++) if (c !== top && u[c] >= thresholds[c]) size++;
    sizes[px] = size;
    visit?.(px, top, u);
  }
  return sizes;
}
