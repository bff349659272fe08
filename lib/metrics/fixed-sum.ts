/**
 * Exact, order-independent sums of non-negative-or-not reals, for streamed statistics that must
 * merge exactly across shards.
 *
 * Each added value x is rounded once to the integer round(x * 2^24) (resolution 6e-8, far below
 * anything a metric reports); integers then add exactly in float64. Entry i holds
 * (hi[i] * 2^40 + lo[i]) units; `normalizeFixedSums` carries lo into hi so that |lo| < 2^40.
 * Callers add at most FIXED_CHUNK values of magnitude < 2^5 to an entry between normalisations
 * (2^20 * 2^29 + 2^40 < 2^53), so no addition ever rounds.
 */
import type { FixedSums } from './types';
import { checkObject, float64FromJSON } from './validate';

/** units per 1.0 */
export const FIXED_SCALE = 2 ** 24;
/** units per hi step */
const LIMB = 2 ** 40;
/** most additions per entry between normalisations (values must be < 32 in magnitude) */
export const FIXED_CHUNK = 2 ** 20;

export function createFixedSums(length: number): FixedSums {
  return { hi: new Float64Array(length), lo: new Float64Array(length) };
}

/** x in fixed-point units; add the result to `lo[i]` in hot loops. */
export function toFixed(x: number): number {
  return Math.round(x * FIXED_SCALE);
}

/** Carries lo into hi in place (call after at most FIXED_CHUNK additions per entry). */
export function normalizeFixedSums(sums: FixedSums): void {
  const { hi, lo } = sums;
  for (let i = 0; i < lo.length; i++) {
    const carry = Math.trunc(lo[i] / LIMB);
    if (carry !== 0) {
      hi[i] += carry;
      lo[i] -= carry * LIMB;
    }
  }
}

/** The real value of entry i (the only rounding step). */
export function fixedSumValue(sums: FixedSums, i: number): number {
  return (sums.hi[i] * LIMB + sums.lo[i]) / FIXED_SCALE;
}

/** All entries as reals [length]. */
export function fixedSumValues(sums: FixedSums): Float64Array {
  const out = new Float64Array(sums.lo.length);
  for (let i = 0; i < out.length; i++) out[i] = fixedSumValue(sums, i);
  return out;
}

/** a + b, exactly. */
export function mergeFixedSums(a: FixedSums, b: FixedSums): FixedSums {
  const out = createFixedSums(a.lo.length);
  for (let i = 0; i < out.lo.length; i++) {
    out.hi[i] = a.hi[i] + b.hi[i];
    out.lo[i] = a.lo[i] + b.lo[i];
  }
  normalizeFixedSums(out);
  return out;
}

export interface FixedSumsJSON {
  readonly hi: number[];
  readonly lo: number[];
}

export function fixedSumsToJSON(sums: FixedSums): FixedSumsJSON {
  return { hi: Array.from(sums.hi), lo: Array.from(sums.lo) };
}

export function fixedSumsFromJSON(name: string, value: unknown, length: number): FixedSums {
  const o = checkObject(name, value);
  const sums = { hi: float64FromJSON(`${name}.hi`, o.hi, length), lo: float64FromJSON(`${name}.lo`, o.lo, length) };
  normalizeFixedSums(sums);
  return sums;
}
