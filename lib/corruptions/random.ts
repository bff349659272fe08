/**
 * The seeded noise of the corruptions: xoshiro128** keyed by sha256 of (seed, image key,
 * corruption, severity), so one condition of one image always gets the same pixels, whatever
 * else the run does, and two conditions or images never share a stream.
 */
import { createHash } from 'crypto';

export class CorruptionRandom {
  private readonly s: Uint32Array;
  private spare: number | null = null;
  private readonly poissonTables = new Map<number, Float64Array>();

  /** @param parts what keys the stream, e.g. [seed, image name, corruption, severity] */
  constructor(parts: readonly (string | number)[]) {
    const digest = createHash('sha256').update(parts.map(String).join('\u0000')).digest();
    this.s = new Uint32Array([digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)]);
    if (this.s.every((v) => v === 0)) this.s[0] = 1; // the one state xoshiro cannot leave
  }

  /** Next uint32 (xoshiro128**, Blackman & Vigna). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in [lo, hi), as numpy's uniform: lo + (hi - lo) * u. */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi), as numpy's randint. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo));
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /**
   * Poisson(lambda) by inverting its CDF, tabulated once per lambda (shot noise asks for at most
   * 256 distinct lambdas of at most 60, one per 8-bit level).
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    let cdf = this.poissonTables.get(lambda);
    if (!cdf) {
      const values: number[] = [];
      let p = Math.exp(-lambda);
      let sum = p;
      values.push(sum);
      for (let k = 1; sum < 1 - 1e-15 && k < lambda + 40 * Math.sqrt(lambda) + 40; k++) {
        p *= lambda / k;
        sum += p;
        values.push(sum);
      }
      cdf = Float64Array.from(values);
      this.poissonTables.set(lambda, cdf);
    }
    const u = this.uniform();
    let lo = 0;
    let hi = cdf.length - 1;
    if (u >= cdf[hi]) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
