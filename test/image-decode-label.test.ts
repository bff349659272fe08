import * as jpeg from 'jpeg-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeLabel } from '../lib/image/decode-label';
import { ImageError } from '../lib/image/errors';

import { buildPng, headerOnlyPng } from './fixtures/hand-png';
import { throwsError } from './fixtures/throws';

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

const CLASS_COLORS = [[128, 128, 128], [128, 0, 0], [192, 192, 128]] as const;

test('8-bit gray: values as they are', () => {
  const samples = Array.from({ length: 256 }, (_, i) => 255 - i);
  const label = decodeLabel(buildPng({ width: 16, height: 16, depth: 8, colorType: 0, samples }));
  assert.is(label.width, 16);
  assert.is(label.height, 16);
  assert.equal(Array.from(label.data), samples);
});

test('1/2/4-bit gray: raw values, not rescaled to 0..255', () => {
  for (const depth of [1, 2, 4] as const) {
    const samples = Array.from({ length: 10 }, (_, i) => i % 2 ** depth);
    const label = decodeLabel(buildPng({ width: 5, height: 2, depth, colorType: 0, samples }));
    assert.equal(Array.from(label.data), samples, `depth ${depth}`);
  }
});

test('16-bit gray: values below 256 kept; tRNS ignored; gray+alpha ignores alpha', () => {
  const label = decodeLabel(buildPng({ width: 3, height: 1, depth: 16, colorType: 0, samples: [0, 11, 255] }));
  assert.equal(Array.from(label.data), [0, 11, 255]);
  const trns = decodeLabel(buildPng({ width: 3, height: 1, depth: 8, colorType: 0, samples: [0, 11, 3], trns: [0, 11] }));
  assert.equal(Array.from(trns.data), [0, 11, 3]);
  const ga = decodeLabel(buildPng({ width: 2, height: 1, depth: 8, colorType: 4, samples: [5, 0, 6, 255] }));
  assert.equal(Array.from(ga.data), [5, 6]);
});

test('palette PNG: the raw palette indices (1..8 bit, tRNS, interlaced)', () => {
  const plte = [0, 0, 0, 128, 64, 128, 244, 35, 232, 70, 70, 70];
  for (const depth of [2, 4, 8] as const) {
    const samples = [0, 1, 2, 3, 3, 2, 1, 0, 2];
    const label = decodeLabel(buildPng({ width: 3, height: 3, depth, colorType: 3, samples, plte }));
    assert.equal(Array.from(label.data), samples, `depth ${depth}`);
  }
  const one = decodeLabel(buildPng({ width: 4, height: 1, depth: 1, colorType: 3, samples: [1, 0, 0, 1], plte: plte.slice(0, 6) }));
  assert.equal(Array.from(one.data), [1, 0, 0, 1]);
  const samples = Array.from({ length: 9 * 7 }, (_, i) => (i * 7) % 4);
  const inter = decodeLabel(buildPng({ width: 9, height: 7, depth: 8, colorType: 3, samples, plte, trns: [0, 128], interlace: true }));
  assert.equal(Array.from(inter.data), samples);
});

test('RGB/RGBA PNG with class colours: each colour to its class index', () => {
  const samples = [128, 128, 128, 128, 0, 0, 192, 192, 128, 128, 0, 0];
  const label = decodeLabel(buildPng({ width: 2, height: 2, depth: 8, colorType: 2, samples }), { palette: CLASS_COLORS });
  assert.equal(Array.from(label.data), [0, 1, 2, 1]);
  const rgba = [128, 0, 0, 0, 192, 192, 128, 255];
  const l2 = decodeLabel(buildPng({ width: 2, height: 1, depth: 8, colorType: 6, samples: rgba }), { palette: CLASS_COLORS });
  assert.equal(Array.from(l2.data), [1, 2]);
  // palette option is ignored for gray labels
  const gray = decodeLabel(buildPng({ width: 1, height: 1, depth: 8, colorType: 0, samples: [9] }), { palette: CLASS_COLORS });
  assert.equal(Array.from(gray.data), [9]);
});

test('EXPECTED FAILURE: unknown colour, RGB without colours, JPEG, duplicates, big 16-bit values', () => {
  const samples = [128, 128, 128, 128, 0, 0, 1, 2, 3, 128, 0, 0];
  const rgb = buildPng({ width: 2, height: 2, depth: 8, colorType: 2, samples });
  const e = throwsImageError(() => decodeLabel(rgb, { palette: CLASS_COLORS, file: 'l.png' }), /colour \(1, 2, 3\) at pixel \(0, 1\)/);
  assert.is(e.file, 'l.png');
  throwsImageError(() => decodeLabel(rgb), /RGB PNG: pass the class colours/);
  const jpg = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256).fill(3) }, 90).data);
  throwsImageError(() => decodeLabel(jpg, { file: 'l.jpg' }), /JPEG/);
  const dup = buildPng({ width: 2, height: 1, depth: 8, colorType: 3, samples: [0, 1], plte: [5, 5, 5, 5, 5, 5] });
  throwsImageError(() => decodeLabel(dup), /duplicate colour \(5, 5, 5\) at entries 0 and 1/);
  const big = buildPng({ width: 3, height: 2, depth: 16, colorType: 0, samples: [0, 1, 2, 3, 300, 5] });
  throwsImageError(() => decodeLabel(big), /value 300 at pixel \(1, 1\)/);
  throwsImageError(() => decodeLabel(buildPng({ width: 1, height: 1, depth: 16, colorType: 2, samples: [1, 2, 3] }), { palette: CLASS_COLORS }), /16-bit RGB/);
  throwsImageError(() => decodeLabel(new Uint8Array(0)), /empty file/);
  throwsImageError(() => decodeLabel(headerOnlyPng(100000, 100000)), /exceeds maxPixels/);
  throwsImageError(() => decodeLabel(buildPng({ width: 3, height: 3, depth: 8, colorType: 0, samples: new Array(9).fill(0) }), { maxPixels: 8 }), /exceeds maxPixels 8/);
});

test('BAD CALL: bad palette option', () => {
  const gray = buildPng({ width: 1, height: 1, depth: 8, colorType: 0, samples: [0] });
  assert.throws(() => decodeLabel(gray, { palette: [[1, 2, 3], [1, 2, 3]] }), (e: unknown) => e instanceof RangeError && /repeats colour/.test((e as Error).message));
  assert.throws(() => decodeLabel(gray, { palette: [[1, 2, 300]] }), (e: unknown) => e instanceof RangeError && /options\.palette\[0\]/.test((e as Error).message));
  throwsError(() => decodeLabel(gray, { palette: [[1, 2]] as unknown as [number, number, number][] }), TypeError, /^options\.palette\[0\] must be \[r, g, b\], got \[1,2\]$/);
  throwsError(() => decodeLabel(null as unknown as Uint8Array), TypeError, /^bytes must be a Uint8Array or Buffer, got null$/);
});

test.run();
