/**
 * The dropout mask generator against references we did not write:
 * - xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c): from the state
 *   (1, 2, 3, 4) its published first ten outputs (the known-answer vector of the rand_xoshiro
 *   crate's Xoshiro128StarStar test), read back out of fillDropoutMask's keep/drop pattern;
 * - ChaCha's quarter round (RFC 7539 section 2.1.1 test vector), as used by streamState;
 * - a C program compiled by gcc at test time from the published xoshiro128** step and RFC 7539's
 *   quarter round, seeded as masks.ts documents, for streamState and long mask streams at rates
 *   0.5 (32 elements per draw, bit b of draw k -> element 32k+b) and 0.3 (one draw per element,
 *   dropped when below 0.3 * 2^32). SKIPPED without gcc.
 * To feed fillDropoutMask a chosen xoshiro state, the key (seed, image, sample, point) that
 * streamState maps to it is found by running its invertible mixing backwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fillDropoutMask, streamState } from '../lib/engine/masks';

/** xoshiro128** from (1, 2, 3, 4): rand_xoshiro's reference vector (also by hand for the first three). */
const PUBLISHED_1234 = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804];
/** the round keys masks.ts documents: the first 32 hex digits of pi's fraction */
const ROUND_KEYS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89];

const rotr = (x: number, k: number): number => ((x >>> k) | (x << (32 - k))) >>> 0;

/** The key whose streamState is `state`: each quarter round undone, each round key subtracted, last first. */
function keyOf(state: readonly number[]): [number, number, number, number] {
  let [a, b, c, d] = state.map((v) => v >>> 0);
  for (let r = ROUND_KEYS.length - 1; r >= 0; r--) {
    b = rotr(b, 7) ^ c; c = (c - d) >>> 0;
    d = rotr(d, 8) ^ a; a = (a - b) >>> 0;
    b = rotr(b, 12) ^ c; c = (c - d) >>> 0;
    d = rotr(d, 16) ^ a; a = (a - b) >>> 0;
    a = (a - ROUND_KEYS[r]) >>> 0;
  }
  return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
}

/** The 32-bit draws behind a rate-0.5 mask: bit b of draw k is element 32k+b (1 = kept). */
function drawsOf(mask: Float32Array): number[] {
  const words: number[] = [];
  for (let k = 0; k * 32 < mask.length; k++) {
    let w = 0;
    for (let b = 0; b < 32; b++) if (mask[32 * k + b] !== 0) w = (w | (1 << b)) >>> 0;
    words.push(w >>> 0);
  }
  return words;
}

const kat = suite('known answers');

kat('streamState undone: keyOf inverts it (so a chosen xoshiro state can be fed to fillDropoutMask)', () => {
  for (const key of [[0, 0, 0, 0], [7, 0xdeadbeef, 3, 1], [0xffffffff, 1, 2, 3]] as [number, number, number, number][]) {
    assert.equal(keyOf(Array.from(streamState(...key))), [...key]);
  }
});

kat('xoshiro128** from the state (1, 2, 3, 4): the published first ten outputs, read out of a rate-0.5 mask', () => {
  const [seed, image, sample, point] = keyOf([1, 2, 3, 4]);
  assert.equal(Array.from(streamState(seed, image, sample, point)), [1, 2, 3, 4]);
  const mask = new Float32Array(320);
  fillDropoutMask(mask, 0, 320, 0.5, seed, image, sample, point);
  assert.ok(mask.every((v) => v === 0 || v === 2), 'values 0 or 1/(1-0.5)');
  assert.equal(drawsOf(mask), PUBLISHED_1234);
});

kat('rate 0.3 from the state (1, 2, 3, 4): element i dropped exactly when output i < 0.3 * 2^32', () => {
  const [seed, image, sample, point] = keyOf([1, 2, 3, 4]);
  const mask = new Float32Array(10);
  fillDropoutMask(mask, 0, 10, 0.3, seed, image, sample, point);
  const keep = Math.fround(1 / 0.7);
  // 1287239034 lies just under the threshold 1288490188.8: dropped
  assert.equal(Array.from(mask), PUBLISHED_1234.map((v) => (v < 0.3 * 2 ** 32 ? 0 : keep)));
});
kat.run();

const C_SOURCE = String.raw`
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
/* xoshiro128** 1.1, Blackman & Vigna: the published step */
static uint32_t s[4];
static uint32_t next(void) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}
/* RFC 7539 section 2.1 */
#define QR(a, b, c, d) (a += b, d ^= a, d = rotl(d, 16), c += d, b ^= c, b = rotl(b, 12), a += b, d ^= a, d = rotl(d, 8), c += d, b ^= c, b = rotl(b, 7))
static const uint32_t KEYS[8] = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89};
int main(int argc, char **argv) {
  uint32_t a = 0x11111111, b = 0x01020304, c = 0x9b8d6f43, d = 0x01234567; /* RFC 7539 2.1.1 */
  QR(a, b, c, d);
  if (a != 0xea2a92f4 || b != 0xcb1cf8ce || c != 0x4581472e || d != 0x5881c4bb) { printf("RFC7539 vector failed\n"); return 1; }
  int n = atoi(argv[1]);
  for (int i = 2; i + 3 < argc; i += 4) {
    for (int k = 0; k < 4; k++) s[k] = (uint32_t)strtoul(argv[i + k], 0, 10);
    for (int r = 0; r < 8; r++) { s[0] += KEYS[r]; QR(s[0], s[1], s[2], s[3]); }
    if ((s[0] | s[1] | s[2] | s[3]) == 0) s[0] = 1;
    printf("%u %u %u %u", s[0], s[1], s[2], s[3]);
    for (int k = 0; k < n; k++) printf(" %u", next());
    printf("\n");
  }
  return 0;
}
`;

const haveGcc = spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveGcc) {
  console.log('  engine-masks-reference gcc check: SKIPPED (no gcc)');
} else {
  const c = suite('a C reference compiled by gcc');
  const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-xoshiro-'));
  const exe = path.join(dir, 'xoshiro');
  c.before(() => {
    writeFileSync(path.join(dir, 'x.c'), C_SOURCE);
    const build = spawnSync('gcc', ['-O2', '-o', exe, path.join(dir, 'x.c')], { encoding: 'utf8' });
    assert.is(build.status, 0, build.stderr);
  });
  c.after(() => rmSync(dir, { recursive: true, force: true }));

  c('streamState and 2,000 draws of 12 streams (rate 0.5) and 600 (rate 0.3) equal the C reference', () => {
    const DRAWS = 2000;
    const keys = [[0, 0, 0, 0], [7, 0xdeadbeef, 3, 1], [1, 2, 3, 4], [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      ...Array.from({ length: 8 }, (_, i) => [i * 2654435761 >>> 0, (i + 1) * 40503 >>> 0, i * 7, i % 6])];
    const run = spawnSync(exe, [String(DRAWS), ...keys.flat().map(String)], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stdout + run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => l.split(' ').map(Number));
    assert.is(lines.length, keys.length);
    keys.forEach(([seed, image, sample, point], i) => {
      const ref = lines[i];
      const what = `key (${seed}, ${image}, ${sample}, ${point})`;
      assert.equal(Array.from(streamState(seed, image, sample, point)), ref.slice(0, 4), `${what}: state`);
      const half = new Float32Array(DRAWS * 32);
      fillDropoutMask(half, 0, half.length, 0.5, seed, image, sample, point);
      assert.equal(drawsOf(half), ref.slice(4), `${what}: rate 0.5 draws`);
      const thirty = new Float32Array(600);
      fillDropoutMask(thirty, 0, 600, 0.3, seed, image, sample, point);
      const keep = Math.fround(1 / 0.7);
      assert.equal(Array.from(thirty), ref.slice(4, 604).map((v) => (v < 0.3 * 2 ** 32 ? 0 : keep)), `${what}: rate 0.3 mask`);
    });
  });
  c.run();
}
