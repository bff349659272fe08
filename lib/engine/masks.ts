/**
 * Dropout masks from a counter-based seed: the mask of (seed, image, sample, point) is the same
 * whatever the chunk size, sample order, device or resume, so sample n of an N=50 run is
 * sample n of an N=10 run (nested sweeps) and a seed reproduces a run exactly.
 */

/** ChaCha's quarter round on four 32-bit words: an invertible map of 128 bits to 128 bits. */
function quarterRound(x: Uint32Array): void {
  x[0] += x[1]; x[3] = rotl(x[3] ^ x[0], 16);
  x[2] += x[3]; x[1] = rotl(x[1] ^ x[2], 12);
  x[0] += x[1]; x[3] = rotl(x[3] ^ x[0], 8);
  x[2] += x[3]; x[1] = rotl(x[1] ^ x[2], 7);
}

/** round constants (digits of pi), added between rounds so that all-zero inputs mix too */
const ROUND_KEYS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89];

/**
 * The 128-bit xoshiro128** state of one (seed, image, sample, point): the four 32-bit words are
 * put side by side and mixed by eight ChaCha quarter rounds. Every step is invertible, so two
 * different keys never share a state (a hash chain through one 32-bit word, as before, made 2 of
 * 200k streams identical); the one key mapped to the all-zero state (invalid for xoshiro) gets
 * s[0] = 1.
 */
export function streamState(seed: number, imageKey: number, sample: number, point: number): Uint32Array {
  const s = new Uint32Array([seed, imageKey, sample, point]);
  for (const key of ROUND_KEYS) {
    s[0] += key;
    quarterRound(s);
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
