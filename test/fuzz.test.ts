/**
 * Bounded, seeded fuzzing of the decoders that read untrusted bytes: decodeImage, decodeLabel,
 * readImageHeader and decodeModel get random and mutated bytes (bit flips, truncations, inserted
 * bytes, PNG chunk and JPEG segment length edits, protobuf field edits). Only ImageError,
 * ModelError, RangeError or TypeError may be thrown; no call may hang; memory stays bounded.
 * FUZZ_ITERATIONS and FUZZ_SEED override the defaults for a longer local run.
 */
import * as zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage, decodeLabel, ImageError, readImageHeader } from '../lib/image';
import { decodeModel, ModelError } from '../lib/onnx/model';
import { buildJpeg, buildPng } from './fixtures/report-inputs';
import { identityDropout, segnetMini, seededRandom } from './fixtures/tiny-models';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const MAX_PIXELS = 1_000_000;
const SLOW_MS = 1000;
const PALETTE = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]] as const;

const PNG_SEEDS = [
  buildPng({ width: 16, height: 12 }),
  buildPng({ width: 7, height: 5, colorType: 3, depth: 2, plte: PALETTE.flat() }),
  buildPng({ width: 9, height: 6, colorType: 0, depth: 16 }),
  buildPng({ width: 11, height: 9, colorType: 6, interlace: true }),
  buildPng({ width: 5, height: 4, colorType: 4 }),
];
const JPEG_SEEDS = [buildJpeg(24, 16, 1), buildJpeg(9, 7, 2)];
const ONNX_SEEDS = [identityDropout({ classes: 3, height: 8, width: 8 }), segnetMini()];

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

/** Offsets of the 4-byte length field of each PNG chunk. */
function pngChunkOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    out.push(at);
    const len = ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
    at += 12 + len;
  }
  return out;
}

/** Offsets of the 2-byte length field of each JPEG marker segment before the scan. */
function jpegSegmentOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff;) {
    const marker = bytes[at + 1];
    out.push(at + 2);
    if (marker === 0xda) break;
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return out;
}

/** Recomputes every chunk CRC that lies inside the data, so mutations reach inflate and unfiltering. */
function fixPngCrcs(b: Uint8Array): Uint8Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const at of pngChunkOffsets(b)) {
    const len = dv.getUint32(at);
    if (at + 12 + len > b.length) break;
    dv.setUint32(at + 8 + len, zlib.crc32(b.subarray(at + 4, at + 8 + len)) >>> 0);
  }
  return b;
}

const BIG_LENGTHS = [0, 1, 2, 0x7fffffff, 0xffffffff, 0x80000000, 65535, 13, 12];

function mutate(r: Rand, seed: Uint8Array, kind: 'png' | 'jpeg' | 'onnx'): Uint8Array {
  const b = Uint8Array.from(seed);
  switch (int(r, 7)) {
    case 0: { // bit flips
      for (let k = 1 + int(r, 8); k > 0; k--) b[int(r, b.length)] ^= 1 << int(r, 8);
      return b;
    }
    case 1: return b.subarray(0, int(r, b.length)); // truncation
    case 2: { // random bytes overwritten
      const at = int(r, b.length);
      for (let k = 0; k < 1 + int(r, 16) && at + k < b.length; k++) b[at + k] = int(r, 256);
      return b;
    }
    case 3: { // inserted or removed run
      const at = int(r, b.length);
      if (r() < 0.5) return Uint8Array.from([...b.subarray(0, at), ...Array.from({ length: 1 + int(r, 64) }, () => int(r, 256)), ...b.subarray(at)]);
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + 1 + int(r, 64)))]);
    }
    case 4: { // length field edits
      if (kind === 'png') {
        const offsets = pngChunkOffsets(b);
        const at = offsets[int(r, offsets.length)];
        const v = r() < 0.5 ? BIG_LENGTHS[int(r, BIG_LENGTHS.length)] : int(r, 2 ** 32);
        new DataView(b.buffer).setUint32(at, v >>> 0);
        if (r() < 0.5 && at === 8) { // also a huge or zero IHDR size, CRC fixed so the header is believed
          new DataView(b.buffer).setUint32(16, BIG_LENGTHS[int(r, BIG_LENGTHS.length)] >>> 0);
          new DataView(b.buffer).setUint32(29, zlib.crc32(b.subarray(12, 29)) >>> 0);
        }
        return b;
      }
      if (kind === 'jpeg') {
        const offsets = jpegSegmentOffsets(b);
        const at = offsets[int(r, offsets.length)] ?? 2;
        const v = r() < 0.5 ? [0, 1, 2, 3, 0xffff, 0x8000][int(r, 6)] : int(r, 65536);
        if (at + 1 < b.length) { b[at] = v >> 8; b[at + 1] = v & 255; }
        return b;
      }
      // protobuf: a varint length/value byte set to 0xff (continuation) runs, or a huge tag
      for (let k = 1 + int(r, 4); k > 0; k--) b[int(r, b.length)] = r() < 0.5 ? 0xff : 0x80;
      return b;
    }
    case 5: { // a PNG whose IHDR declares a large size with CRC fixed, or a JPEG SOF size edit
      if (kind === 'png' && b.length > 33) {
        const dv = new DataView(b.buffer);
        dv.setUint32(16, 1 + int(r, 3000));
        dv.setUint32(20, 1 + int(r, 3000));
        if (r() < 0.3) b[24] = [1, 2, 4, 8, 16, 3, 7][int(r, 7)];
        if (r() < 0.3) b[25] = [0, 2, 3, 4, 6, 1, 5][int(r, 7)];
        dv.setUint32(29, zlib.crc32(b.subarray(12, 29)) >>> 0);
        return b;
      }
      if (kind === 'jpeg') {
        for (let at = 2; at + 9 < b.length; at++) {
          if (b[at] === 0xff && b[at + 1] >= 0xc0 && b[at + 1] <= 0xc2) {
            b[at + 5] = int(r, 256); b[at + 6] = int(r, 256); b[at + 7] = int(r, 256); b[at + 8] = int(r, 256);
            if (r() < 0.3) b[at + 9] = int(r, 6); // component count
            break;
          }
        }
        return b;
      }
      return b.subarray(int(r, b.length)); // onnx: a suffix
    }
    default: { // random bytes, sometimes behind a valid magic
      const n = int(r, 512);
      const rand = Array.from({ length: n }, () => int(r, 256));
      const magic = kind === 'png' ? [...seed.subarray(0, 8)] : kind === 'jpeg' ? [0xff, 0xd8, 0xff] : [];
      return Uint8Array.from(r() < 0.7 ? [...magic, ...rand] : rand);
    }
  }
}

const ALLOWED = [ImageError, ModelError, RangeError, TypeError];

function call(name: string, fn: () => unknown, input: Uint8Array, iteration: number): void {
  const t0 = performance.now();
  try {
    fn();
  } catch (err) {
    if (!ALLOWED.some((E) => err instanceof E)) {
      const hex = Buffer.from(input.subarray(0, 64)).toString('hex');
      throw new Error(`${name} threw ${(err as Error)?.name}: ${(err as Error)?.message} (iteration ${iteration}, seed ${SEED}, ${input.length} bytes, starts ${hex})`);
    }
  }
  const ms = performance.now() - t0;
  if (ms > SLOW_MS) throw new Error(`${name} took ${ms.toFixed(0)} ms on iteration ${iteration} (seed ${SEED}, ${input.length} bytes)`);
}

test(`fuzz: ${ITERATIONS} mutated images and models, only expected errors, bounded time and memory`, () => {
  const r = seededRandom(SEED);
  const t0 = performance.now();
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  for (let it = 0; it < ITERATIONS; it++) {
    const which = it % 3;
    if (which === 0) {
      const mutated = mutate(r, PNG_SEEDS[int(r, PNG_SEEDS.length)], 'png');
      const png = r() < 0.5 ? fixPngCrcs(Uint8Array.from(mutated)) : mutated;
      call('readImageHeader(png)', () => readImageHeader(png, 'fuzz.png'), png, it);
      call('decodeImage(png)', () => decodeImage(png, { file: 'fuzz.png', maxPixels: MAX_PIXELS }), png, it);
      call('decodeLabel(png)', () => decodeLabel(png, { file: 'fuzz.png', maxPixels: MAX_PIXELS, palette: PALETTE }), png, it);
    } else if (which === 1) {
      const jpg = mutate(r, JPEG_SEEDS[int(r, JPEG_SEEDS.length)], 'jpeg');
      call('readImageHeader(jpeg)', () => readImageHeader(jpg, 'fuzz.jpg'), jpg, it);
      call('decodeImage(jpeg)', () => decodeImage(jpg, { file: 'fuzz.jpg', maxPixels: MAX_PIXELS }), jpg, it);
      call('decodeLabel(jpeg)', () => decodeLabel(jpg, { file: 'fuzz.jpg', maxPixels: MAX_PIXELS }), jpg, it);
    } else {
      const model = mutate(r, ONNX_SEEDS[int(r, ONNX_SEEDS.length)], 'onnx');
      call('decodeModel', () => decodeModel(model, 'fuzz.onnx'), model, it);
    }
    if (it % 25 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const ms = performance.now() - t0;
  const growth = (peak - rss0) / 2 ** 20;
  assert.ok(growth < 256, `RSS grew by ${growth.toFixed(0)} MiB`);
  assert.ok(ms < 10_000, `${ITERATIONS} iterations took ${ms.toFixed(0)} ms`);
});

test('fuzz: inputs that must be refused, not decoded', () => {
  assert.throws(() => decodeImage(new Uint8Array(0)), (e: unknown) => e instanceof ImageError);
  assert.throws(() => decodeModel(new Uint8Array(0)), (e: unknown) => e instanceof ModelError);
  assert.throws(() => decodeModel(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), (e: unknown) => e instanceof ModelError);
});

test.run();
