/**
 * Log-spaced bins that follow the data, shared by the uncertainty histograms and PAvPU: a value
 * falls in the bin named by the top bits of its float32 representation (exponent and the first
 * `mantissaBits` bits of the mantissa). This is DDSketch's idea (Masson et al. 2019, relative-
 * error buckets) with the bucket index read off the float bits instead of a logarithm.
 *
 * Layout: bin 0 holds 0 and below (exact zeros, as a clamped mutual information, and negative
 * float error), bin 1 the positive values below `floor`; bin b >= 2 holds [lower(b), lower(b + 1))
 * and the last bin also everything above `max`.
 *
 * Error bound: two values in one bin b >= 1 differ by a factor below 1 + 2^-mantissaBits
 * (below 1.001 at the default 10 bits), so a quantile or threshold read from the bins is within
 * that relative error of the exact one; values below `floor` are not told apart. Metrics that
 * only depend on the order of the values (AUROC, AUPR, AUSE, PAvPU) are exact up to the
 * order of pixels inside one bin, which they take as random (ties); uncertainty.ts bounds that
 * effect from the counts themselves (aurocTieBound).
 *
 * The layout is fixed by (floor, max, mantissaBits), so two runs' bins add up exactly.
 */
import type { LogBinLayout } from './types';
import { checkInteger, checkNumber, isIntegerIn } from '../validate';
import { checkSame } from './validate';

export type { LogBinLayout };

/** [floor=2^-40] about 9.1e-13, far below any uncertainty that ranks pixels meaningfully */
export const DEFAULT_LOG_FLOOR = 2 ** -40;
/** [mantissaBits=10]: 1,024 bins per octave, relative width 0.098% */
export const DEFAULT_MANTISSA_BITS = 10;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bitsOf(v: number): number {
  f32[0] = v;
  return u32[0];
}

export function createLogBinLayout(max: number, options: { floor?: number; mantissaBits?: number } = {}): LogBinLayout {
  const { floor = DEFAULT_LOG_FLOOR, mantissaBits = DEFAULT_MANTISSA_BITS } = options;
  checkNumber('floor', floor, { min: 2 ** -126, max: 1 });
  if (Math.log2(floor) % 1 !== 0) throw new RangeError(`floor must be a power of two, got ${floor}`);
  checkNumber('max', max, { min: floor, max: 1e6 });
  checkInteger('mantissaBits', mantissaBits, 0, 16);
  return { floor, max, mantissaBits };
}

export function checkLogBinLayout(value: Readonly<Record<string, unknown>>): LogBinLayout {
  return createLogBinLayout(value.max as number, { floor: value.floor as number, mantissaBits: value.mantissaBits as number });
}

export function checkSameLayout(a: LogBinLayout, b: LogBinLayout): void {
  checkSame('floor', a.floor, b.floor);
  checkSame('max', a.max, b.max);
  checkSame('mantissaBits', a.mantissaBits, b.mantissaBits);
}

/** What the hot loops need: shift, the first bin's top bits and the last bin. */
export interface BinIndexer {
  readonly shift: number;
  readonly base: number;
  readonly last: number;
}

export function binIndexer(layout: LogBinLayout): BinIndexer {
  const shift = 23 - layout.mantissaBits;
  const base = bitsOf(layout.floor) >>> shift;
  return { shift, base, last: (bitsOf(layout.max) >>> shift) - base + 2 };
}

export function binCount(layout: LogBinLayout): number {
  return binIndexer(layout).last + 1;
}

/**
 * The bin of a float32 given by its bits (a Uint32Array view of the Float32Array); NaN for NaN
 * and infinities. Inlined by hand in the hot loops of uncertainty-stats.ts and pavpu.ts.
 */
export function binOfBits(ix: BinIndexer, bits: number): number {
  if (bits >= 0x7f800000) return bits >= 0xff800000 || bits < 0x80000000 ? NaN : 0;
  if (bits === 0) return 0;
  const b = (bits >>> ix.shift) - ix.base + 2;
  return b < 2 ? 1 : b > ix.last ? ix.last : b;
}

/** The bin of a number (rounded to float32 first, as the maps are). */
export function binOf(ix: BinIndexer, v: number): number {
  return binOfBits(ix, bitsOf(v));
}

/** Smallest value of bin b: 0 for bin 0 (and below), 2^-149 (the least float32) for bin 1. */
export function binLowerEdge(layout: LogBinLayout, b: number): number {
  if (b <= 0) return 0;
  if (b === 1) return 2 ** -149;
  const ix = binIndexer(layout);
  u32[0] = ((b - 2 + ix.base) << ix.shift) >>> 0;
  return f32[0];
}

/** Sparse JSON of bin arrays: only the bins where any array is non-zero. */
export interface SparseBinsJSON {
  readonly index: number[];
  readonly values: number[][];
}

export function sparseBinsToJSON(arrays: readonly Float64Array[]): SparseBinsJSON {
  const index: number[] = [];
  const values: number[][] = arrays.map(() => []);
  for (let b = 0; b < arrays[0].length; b++) {
    if (!arrays.some((a) => a[b] !== 0)) continue;
    index.push(b);
    arrays.forEach((a, k) => values[k].push(a[b]));
  }
  return { index, values };
}

/** Fills `arrays` (zeroed, of one length) from sparseBinsToJSON's output; names the field on damage. */
export function sparseBinsFromJSON(name: string, value: unknown, arrays: readonly Float64Array[]): void {
  const o = value as SparseBinsJSON;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.index) || !Array.isArray(o.values) || o.values.length !== arrays.length) {
    throw new TypeError(`${name} must be { index: number[], values: ${arrays.length} number[] }`);
  }
  const n = arrays[0].length;
  let previous = -1;
  o.index.forEach((b, i) => {
    if (!Number.isInteger(b) || b <= previous || b >= n) throw new RangeError(`${name}.index[${i}] = ${b} is not an ascending bin below ${n}`);
    previous = b;
    arrays.forEach((a, k) => {
      const v = o.values[k]?.[i];
      if (!isIntegerIn(v, 0, Number.MAX_SAFE_INTEGER)) throw new RangeError(`${name}.values[${k}][${i}] = ${v} is not a count`);
      a[b] = v;
    });
  });
}
