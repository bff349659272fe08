/**
 * Dropout masks from a counter-based seed: the mask of (seed, image, sample, point) is the same
 * whatever the chunk size, sample order, device or resume, so sample n of an N=50 run is
 * sample n of an N=10 run (nested sweeps) and a seed reproduces a run exactly.
 */

/** murmur3's 32-bit finaliser: a bijective mix of one word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Four 32-bit words of generator state for one (seed, image, sample, point). */
export function streamState(seed: number, imageKey: number, sample: number, point: number): Uint32Array {
  const s = new Uint32Array(4);
  let h = fmix32((seed ^ 0x9e3779b9) >>> 0);
  h = fmix32(h ^ imageKey);
  h = fmix32(h ^ Math.imul(sample + 1, 0x27d4eb2f));
  h = fmix32(h ^ Math.imul(point + 1, 0x165667b1));
  for (let i = 0; i < 4; i++) {
    h = fmix32((h + 0x9e3779b9 * (i + 1)) >>> 0);
    s[i] = h;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/**
 * Fills out[offset .. offset+length) with a dropout mask: 0 with probability `rate`, else
 * 1/(1-rate). xoshiro128** generator; at rate 0.5 each 32-bit draw covers 32 elements.
 */
export function fillDropoutMask(out: Float32Array, offset: number, length: number, rate: number,
  seed: number, imageKey: number, sample: number, point: number): void {
  const st = streamState(seed, imageKey, sample, point);
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  const keep = 1 / (1 - rate);
  const end = offset + length;
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    return r;
  };
  if (rate === 0.5) {
    for (let i = offset; i < end; i += 32) {
      const bits = next();
      const stop = Math.min(end, i + 32);
      for (let j = i, b = 0; j < stop; j++, b++) out[j] = (bits >>> b) & 1 ? keep : 0;
    }
    return;
  }
  const threshold = rate * 4294967296;
  for (let i = offset; i < end; i++) out[i] = next() < threshold ? 0 : keep;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A 32-bit image key from the first 8 hex digits of a content digest (sha256 of the file). */
export function imageKeyFromDigest(hexDigest: string): number {
  const key = Number.parseInt(hexDigest.slice(0, 8), 16);
  if (!Number.isFinite(key)) throw new TypeError(`digest must be hexadecimal, got '${hexDigest}'`);
  return key >>> 0;
}
