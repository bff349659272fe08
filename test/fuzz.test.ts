/**
 * Bounded, seeded fuzzing of the decoders that read untrusted bytes: decodeImage, decodeLabel,
 * readImageHeader, decodePhoto and decodeModel get random and mutated bytes (bit flips,
 * truncations, inserted bytes, PNG chunk and JPEG segment length edits, protobuf field edits, and
 * the chunk/marker/header edits of fixtures/fuzz-corpus.ts: PNG chunks, JPEG markers, truncated
 * WebP/TIFF/GIF headers). Only the project's own ImageError or ModelError, naming the file, may
 * be thrown: a RangeError or TypeError out of a decoder is a crash (an out-of-bounds DataView
 * read, a null dereference), not a refusal. No call may hang; memory stays bounded.
 * FUZZ_ITERATIONS and FUZZ_SEED override the defaults for a longer local run.
 */
import * as zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import { decodeImage, decodeLabel, decodePhoto, ImageError, readImageHeader } from '../lib/image';
import { decodeModel, ModelError } from '../lib/onnx/model';
import { int, mutateContainer, mutateJpegMarkers, mutatePngChunks, type Rand } from './fixtures/fuzz-corpus';
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

/** Byte-level edits; 'bytes' (any other container) gets the protobuf-style ones. */
function mutate(r: Rand, seed: Uint8Array, kind: 'png' | 'jpeg' | 'onnx' | 'bytes'): Uint8Array {
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

/** The project's own refusals, naming the file they were given; anything else is a crash. */
const ALLOWED = [ImageError, ModelError];

function failure(name: string, err: unknown, file: string, input: Uint8Array, iteration: number): string | null {
  if (ALLOWED.some((E) => err instanceof E) && (err as ImageError).file === file && (err as ImageError).reason.length > 0) return null;
  const hex = Buffer.from(input.subarray(0, 64)).toString('hex');
  return `${name} threw ${(err as Error)?.name}: ${(err as Error)?.message} (iteration ${iteration}, seed ${SEED}, ${input.length} bytes, starts ${hex})`;
}

function checkTime(name: string, t0: number, input: Uint8Array, iteration: number): void {
  const ms = performance.now() - t0;
  if (ms > SLOW_MS) throw new Error(`${name} took ${ms.toFixed(0)} ms on iteration ${iteration} (seed ${SEED}, ${input.length} bytes)`);
}

function call(name: string, fn: () => unknown, file: string, input: Uint8Array, iteration: number): void {
  const t0 = performance.now();
  try {
    fn();
  } catch (err) {
    const bad = failure(name, err, file, input, iteration);
    if (bad) throw new Error(bad);
  }
  checkTime(name, t0, input, iteration);
}

async function callAsync(name: string, fn: () => Promise<unknown>, file: string, input: Uint8Array, iteration: number): Promise<void> {
  const t0 = performance.now();
  try {
    await fn();
  } catch (err) {
    const bad = failure(name, err, file, input, iteration);
    if (bad) throw new Error(bad);
  }
  checkTime(name, t0, input, iteration);
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
      const seed = PNG_SEEDS[int(r, PNG_SEEDS.length)];
      const mutated = r() < 0.4 ? mutatePngChunks(r, seed) : mutate(r, seed, 'png');
      const png = r() < 0.5 ? fixPngCrcs(Uint8Array.from(mutated)) : mutated;
      call('readImageHeader(png)', () => readImageHeader(png, 'fuzz.png'), 'fuzz.png', png, it);
      call('decodeImage(png)', () => decodeImage(png, { file: 'fuzz.png', maxPixels: MAX_PIXELS }), 'fuzz.png', png, it);
      call('decodeLabel(png)', () => decodeLabel(png, { file: 'fuzz.png', maxPixels: MAX_PIXELS, palette: PALETTE }), 'fuzz.png', png, it);
    } else if (which === 1) {
      const seed = JPEG_SEEDS[int(r, JPEG_SEEDS.length)];
      const jpg = r() < 0.4 ? mutateJpegMarkers(r, seed) : mutate(r, seed, 'jpeg');
      call('readImageHeader(jpeg)', () => readImageHeader(jpg, 'fuzz.jpg'), 'fuzz.jpg', jpg, it);
      call('decodeImage(jpeg)', () => decodeImage(jpg, { file: 'fuzz.jpg', maxPixels: MAX_PIXELS }), 'fuzz.jpg', jpg, it);
      call('decodeLabel(jpeg)', () => decodeLabel(jpg, { file: 'fuzz.jpg', maxPixels: MAX_PIXELS }), 'fuzz.jpg', jpg, it);
    } else {
      const model = mutate(r, ONNX_SEEDS[int(r, ONNX_SEEDS.length)], 'onnx');
      call('decodeModel', () => decodeModel(model, 'fuzz.onnx'), 'fuzz.onnx', model, it);
    }
    if (it % 25 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const ms = performance.now() - t0;
  const growth = (peak - rss0) / 2 ** 20;
  assert.ok(growth < 256, `RSS grew by ${growth.toFixed(0)} MiB`);
  assert.ok(ms < 10_000, `${ITERATIONS} iterations took ${ms.toFixed(0)} ms`);
});

/** Small WebP (lossy and lossless), TIFF (both byte orders, deflate) and GIF seeds, encoded by sharp. */
async function containerSeeds(): Promise<[Uint8Array, 'webp' | 'tiff' | 'gif'][]> {
  const img = () => sharp(Buffer.from(Array.from({ length: 12 * 8 * 3 }, (_, i) => (i * 37) & 255)), { raw: { width: 12, height: 8, channels: 3 } });
  const out: [Buffer, 'webp' | 'tiff' | 'gif'][] = [
    [await img().webp({ quality: 80 }).toBuffer(), 'webp'], [await img().webp({ lossless: true }).toBuffer(), 'webp'],
    [await img().tiff({ compression: 'deflate' }).toBuffer(), 'tiff'], [await img().tiff({ compression: 'none' }).toBuffer(), 'tiff'],
    [await img().gif().toBuffer(), 'gif'],
  ];
  return out.map(([b, k]) => [Uint8Array.from(b), k]);
}

const PHOTO_ITERATIONS = Math.ceil(ITERATIONS / 2);

test(`fuzz: ${PHOTO_ITERATIONS} mutated JPEG, WebP, TIFF and GIF photos through decodePhoto (sharp), only ImageError`, async () => {
  const r = seededRandom(SEED + 1);
  const seeds = await containerSeeds();
  for (const [seed, kind] of seeds) {
    const { image, format } = await decodePhoto(seed, { file: `seed.${kind}` });
    assert.equal([format, image.width, image.height], [kind, 12, 8], 'an unmutated seed decodes');
  }
  const t0 = performance.now();
  for (let it = 0; it < PHOTO_ITERATIONS; it++) {
    let bytes: Uint8Array;
    if (it % 4 === 0) {
      const seed = JPEG_SEEDS[int(r, JPEG_SEEDS.length)];
      bytes = r() < 0.5 ? mutateJpegMarkers(r, seed) : mutate(r, seed, 'jpeg');
    } else {
      const [seed, kind] = seeds[int(r, seeds.length)];
      bytes = r() < 0.6 ? mutateContainer(r, seed, kind) : mutate(r, seed, 'bytes');
    }
    await callAsync('decodePhoto', () => decodePhoto(bytes, { file: 'fuzz.img', maxPixels: MAX_PIXELS }), 'fuzz.img', bytes, it);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 10_000, `${PHOTO_ITERATIONS} iterations took ${ms.toFixed(0)} ms`);
});

/** Like callAsync, but the call must fail: a cut-short file decoded without a word is a bug too. */
async function refused(name: string, fn: () => unknown, file: string, input: Uint8Array): Promise<void> {
  let err: unknown = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err !== null, `${name}: ${input.length} bytes of a longer file decoded without an error`);
  const bad = failure(name, err, file, input, input.length);
  if (bad) throw new Error(bad);
}

test('fuzz: every header cut short (each prefix up to 80 bytes of every seed) is refused with an ImageError', async () => {
  const photos = [...(await containerSeeds()).map(([b]) => b), ...JPEG_SEEDS, ...PNG_SEEDS];
  let cuts = 0;
  for (const seed of photos) {
    for (let n = 0; n <= Math.min(80, seed.length - 1); n++, cuts++) {
      const cut = seed.subarray(0, n);
      if (seed[0] === 0x89 || seed[0] === 0xff) {
        // the PNG size ends at byte 24, a JPEG's SOF lies past its APP0 and DQT
        if (n < 24) await refused('readImageHeader(prefix)', () => readImageHeader(cut, 'cut.img'), 'cut.img', cut);
        await refused('decodeImage(prefix)', () => decodeImage(cut, { file: 'cut.img' }), 'cut.img', cut);
      }
      await refused('decodePhoto(prefix)', () => decodePhoto(cut, { file: 'cut.img' }), 'cut.img', cut);
    }
  }
  assert.ok(cuts > 600, `${cuts} prefixes`);
});

test('fuzz: inputs that must be refused, not decoded', () => {
  assert.throws(() => decodeImage(new Uint8Array(0)), (e: unknown) => e instanceof ImageError);
  assert.throws(() => decodeModel(new Uint8Array(0)), (e: unknown) => e instanceof ModelError);
  assert.throws(() => decodeModel(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), (e: unknown) => e instanceof ModelError);
});

test.run();
