import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage } from '../lib/image/decode';
import { ImageError } from '../lib/image/errors';
import { buildPng, headerOnlyPng } from './fixtures/hand-png';

/** deterministic samples in 0..max */
function ramp(n: number, max: number, seed = 1): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out.push(s % (max + 1));
  }
  return out;
}

function throwsImageError(fn: () => unknown, pattern: RegExp): ImageError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ImageError);
    const e = err as ImageError;
    assert.match(e.reason, pattern);
    return e;
  }
  throw new Error(`expected an ImageError matching ${pattern}`);
}

const scale = (v: number, depth: number): number => Math.floor((v * 255) / (2 ** depth - 1) + 0.5);
const over = (c: number, a: number): number => Math.round((c * a + 255 * (255 - a)) / 255);

test('gray PNG at every bit depth: replicated to RGB, rescaled to 8 bits', () => {
  for (const depth of [1, 2, 4, 8, 16] as const) {
    const samples = ramp(7 * 3, 2 ** depth - 1, depth);
    const img = decodeImage(buildPng({ width: 7, height: 3, depth, colorType: 0, samples }));
    assert.is(img.width, 7);
    assert.is(img.height, 3);
    assert.is(img.data.length, 7 * 3 * 3);
    for (let i = 0; i < samples.length; i++) {
      const g = scale(samples[i], depth);
      assert.equal([img.data[3 * i], img.data[3 * i + 1], img.data[3 * i + 2]], [g, g, g], `depth ${depth} pixel ${i}`);
    }
  }
});

test('RGB PNG 8 and 16 bit', () => {
  for (const depth of [8, 16] as const) {
    const samples = ramp(5 * 4 * 3, 2 ** depth - 1, 3);
    const img = decodeImage(buildPng({ width: 5, height: 4, depth, colorType: 2, samples }));
    assert.equal(Array.from(img.data), samples.map((v) => scale(v, depth)), `depth ${depth}`);
  }
});

test('alpha is composited over white (gray+alpha and RGBA, 8 and 16 bit)', () => {
  const ga = [10, 255, 10, 0, 200, 128, 0, 1];
  const img = decodeImage(buildPng({ width: 4, height: 1, depth: 8, colorType: 4, samples: ga }));
  assert.equal(Array.from(img.data), [10, 10, 10, 255, 255, 255, over(200, 128), over(200, 128), over(200, 128), over(0, 1), over(0, 1), over(0, 1)]);
  const rgba = [255, 0, 0, 128, 0, 0, 0, 0, 1, 2, 3, 255];
  const img2 = decodeImage(buildPng({ width: 3, height: 1, depth: 8, colorType: 6, samples: rgba }));
  assert.equal(Array.from(img2.data), [255, over(0, 128), over(0, 128), 255, 255, 255, 1, 2, 3]);
  const rgba16 = [65535, 0, 0, 32896, 0, 0, 0, 65535];
  const img3 = decodeImage(buildPng({ width: 2, height: 1, depth: 16, colorType: 6, samples: rgba16 }));
  assert.equal(Array.from(img3.data), [255, over(0, 128), over(0, 128), 0, 0, 0]);
});

test('palette PNG at 1/2/4/8 bits, with tRNS', () => {
  const plte = [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 8, 7];
  for (const depth of [1, 2, 4, 8] as const) {
    const entries = Math.min(4, 2 ** depth);
    const samples = ramp(6 * 2, entries - 1, depth);
    const img = decodeImage(buildPng({ width: 6, height: 2, depth, colorType: 3, samples, plte: plte.slice(0, entries * 3) }));
    for (let i = 0; i < samples.length; i++) {
      const k = samples[i] * 3;
      assert.equal(Array.from(img.data.subarray(3 * i, 3 * i + 3)), plte.slice(k, k + 3), `depth ${depth} pixel ${i}`);
    }
  }
  const img = decodeImage(buildPng({ width: 2, height: 1, depth: 8, colorType: 3, samples: [0, 1], plte: plte.slice(0, 6), trns: [0] }));
  assert.equal(Array.from(img.data), [255, 255, 255, 0, 255, 0]); // entry 0 fully transparent -> white
});

test('tRNS on RGB: the transparent colour becomes white', () => {
  const img = decodeImage(buildPng({ width: 2, height: 1, depth: 8, colorType: 2, samples: [1, 2, 3, 4, 5, 6], trns: [0, 1, 0, 2, 0, 3] }));
  assert.equal(Array.from(img.data), [255, 255, 255, 4, 5, 6]);
});

test('interlaced PNGs decode like their non-interlaced twins', () => {
  for (const [w, h] of [[9, 7], [1, 1], [3, 10]]) {
    const rgb = ramp(w * h * 3, 255, w + h);
    const a = decodeImage(buildPng({ width: w, height: h, depth: 8, colorType: 2, samples: rgb, interlace: true }));
    const b = decodeImage(buildPng({ width: w, height: h, depth: 8, colorType: 2, samples: rgb }));
    assert.equal(Array.from(a.data), Array.from(b.data), `${w}x${h}`);
    assert.equal(Array.from(a.data), rgb);
    const idx = ramp(w * h, 3, 7);
    const plte = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
    const p = decodeImage(buildPng({ width: w, height: h, depth: 2, colorType: 3, samples: idx, plte, interlace: true }));
    for (let i = 0; i < idx.length; i++) assert.is(p.data[3 * i], plte[idx[i] * 3]);
  }
});

test('pngjs-written PNGs and a 1x1 image', () => {
  const png = new PNG({ width: 3, height: 2 });
  const rgba = Uint8Array.from(ramp(24, 255, 5).map((v, i) => (i % 4 === 3 ? 255 : v)));
  png.data = Buffer.from(rgba);
  const img = decodeImage(PNG.sync.write(png));
  for (let i = 0; i < 6; i++) assert.equal(Array.from(img.data.subarray(3 * i, 3 * i + 3)), Array.from(rgba.subarray(4 * i, 4 * i + 3)));
  const one = decodeImage(buildPng({ width: 1, height: 1, depth: 8, colorType: 2, samples: [7, 8, 9] }));
  assert.equal([one.width, one.height, Array.from(one.data)], [1, 1, [7, 8, 9]]);
});

test('JPEG (jpeg-js encoded): size and colours within JPEG error', () => {
  const w = 16;
  const h = 8;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([200, 100, 50, 255], i * 4);
  const bytes = jpeg.encode({ width: w, height: h, data: rgba }, 95).data;
  const img = decodeImage(new Uint8Array(bytes), { file: 'a.jpg' });
  assert.is(img.width, w);
  assert.is(img.height, h);
  assert.is(img.data.length, w * h * 3);
  for (let i = 0; i < w * h; i++) {
    assert.ok(Math.abs(img.data[3 * i] - 200) <= 3 && Math.abs(img.data[3 * i + 1] - 100) <= 3 && Math.abs(img.data[3 * i + 2] - 50) <= 3);
  }
});

test('EXPECTED FAILURE: empty, not an image, truncated, corrupt', () => {
  const e = throwsImageError(() => decodeImage(new Uint8Array(0), { file: 'empty.png' }), /empty file/);
  assert.is(e.file, 'empty.png');
  assert.match(e.message, /^empty\.png: /);
  throwsImageError(() => decodeImage(Buffer.from('GIF89a........')), /not a PNG or JPEG/);
  const good = buildPng({ width: 20, height: 20, depth: 8, colorType: 2, samples: ramp(1200, 255) });
  throwsImageError(() => decodeImage(good.subarray(0, 20)), /truncated PNG header/);
  throwsImageError(() => decodeImage(good.subarray(0, good.length - 30)), /truncated PNG data/);
  const corrupt = Buffer.from(good);
  corrupt[40] ^= 0xff; // inside IDAT: CRC no longer matches
  throwsImageError(() => decodeImage(corrupt), /corrupt PNG data/);
  const jpg = new Uint8Array(jpeg.encode({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 4).fill(128) }, 90).data);
  throwsImageError(() => decodeImage(jpg.subarray(0, 100)), /JPEG/);
  throwsImageError(() => decodeImage(jpg.subarray(0, jpg.length - 40), { file: 'cut.jpg' }), /^truncated JPEG data/);
});

/** Counts pngjs PNG.sync.read calls (lib/image/decode-png.ts reads it through the module object) until restore(). */
function countPngReads(): { count: number; restore(): void } {
  const sync = PNG.sync as { read: typeof PNG.sync.read };
  const original = sync.read;
  const spy = { count: 0, restore: () => { sync.read = original; } };
  sync.read = ((...args: Parameters<typeof original>) => { spy.count++; return original(...args); }) as typeof original;
  return spy;
}

test('EXPECTED FAILURE: decompression bombs and empty images refused from the header', () => {
  const bomb = headerOnlyPng(100000, 100000);
  // refused from the header: pngjs never runs (counted on its decoder, not timed against a clock)
  const reads = countPngReads();
  try {
    const e = throwsImageError(() => decodeImage(bomb, { file: 'bomb.png' }), /exceeds maxPixels 40000000/);
    assert.match(e.message, /bomb\.png/);
    // a whole, decodable 40x40 PNG over a 1000-pixel limit is refused before decoding too
    const whole = buildPng({ width: 40, height: 40, depth: 8, colorType: 0, samples: ramp(1600, 255) });
    throwsImageError(() => decodeImage(whole, { maxPixels: 1000 }), /image too large: 40x40 = 1600 pixels exceeds maxPixels 1000/);
    assert.is(reads.count, 0, 'pngjs decoded a refused image');
    assert.is(decodeImage(whole, { maxPixels: 1600 }).width, 40);
    assert.is(reads.count, 1, 'the spy sees a decode');
  } finally {
    reads.restore();
  }
  throwsImageError(() => decodeImage(headerOnlyPng(0, 5)), /empty image \(0x5\)/);
  const small = buildPng({ width: 4, height: 4, depth: 8, colorType: 0, samples: ramp(16, 255) });
  throwsImageError(() => decodeImage(small, { maxPixels: 15 }), /16 pixels exceeds maxPixels 15/);
  assert.is(decodeImage(small, { maxPixels: 16 }).width, 4);
  const jpg = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256).fill(9) }, 90).data);
  throwsImageError(() => decodeImage(jpg, { maxPixels: 63 }), /exceeds maxPixels/);
});

test('BAD CALL: wrong argument types', () => {
  assert.throws(() => decodeImage('x.png' as unknown as Uint8Array), (e: unknown) => e instanceof TypeError && /bytes/.test((e as Error).message));
  const small = buildPng({ width: 1, height: 1, depth: 8, colorType: 0, samples: [1] });
  assert.throws(() => decodeImage(small, { maxPixels: 0 }), (e: unknown) => e instanceof RangeError && /maxPixels/.test((e as Error).message));
});

test.run();
