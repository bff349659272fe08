/**
 * A small seeded PRNG (mulberry32) so that sampling (the pixel reservoir) is reproducible.
 * State is one uint32, so it can be saved with the statistics that use it.
 */
import { checkSeed } from '../validate';

export interface Random {
  /** uint32 state; next() advances it */
  state: number;
}

export function createRandom(seed: number): Random {
  return { state: checkSeed('seed', seed) >>> 0 };
}

/** Uniform in [0, 1), 32 bits of resolution. */
export function nextRandom(r: Random): number {
  r.state = (r.state + 0x6d2b79f5) >>> 0;
  let t = r.state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Uniform integer in [0, n). */
export function nextInt(r: Random, n: number): number {
  return Math.floor(nextRandom(r) * n);
}
