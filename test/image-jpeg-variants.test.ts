/**
 * JPEG variants a folder of photos holds: baseline, progressive, grayscale and Adobe CMYK.
 * The fixtures in test/fixtures/jpeg are a synthetic 24x16 gradient (r = 10x, g = 15y,
 * b = 5(x+y)) saved by Pillow in each form; decoding must give that gradient back within JPEG
 * loss (grayscale: its luma).
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage, readImageHeader } from '../lib/image';

const W = 24, H = 16;
const load = (name: string): Buffer => readFileSync(path.join(__dirname, 'fixtures', 'jpeg', name));
const clamp = (v: number): number => Math.min(255, Math.max(0, v));

function expected(x: number, y: number): [number, number, number] {
  return [clamp(x * 10), clamp(y * 15), clamp((x + y) * 5)];
}

function meanAbsError(data: Uint8Array, luma: boolean): number {
  let err = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [r, g, b] = expected(x, y);
      const want = luma ? [0.299 * r + 0.587 * g + 0.114 * b] : [r, g, b];
      const i = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) err += Math.abs(data[i + c] - want[luma ? 0 : c]);
    }
  }
  return err / (W * H * 3);
}

for (const [file, luma] of [['baseline.jpg', false], ['progressive.jpg', false], ['cmyk.jpg', false], ['gray.jpg', true]] as const) {
  test(`${file}: decodes to the gradient within JPEG loss`, () => {
    const bytes = load(file);
    const header = readImageHeader(bytes, file);
    assert.equal([header.format, header.width, header.height], ['jpeg', W, H]);
    const img = decodeImage(bytes, { file });
    assert.is(img.width, W);
    assert.is(img.height, H);
    assert.is(img.data.length, W * H * 3);
    const err = meanAbsError(img.data, luma);
    assert.ok(err < 6, `${file}: mean |decoded - expected| = ${err.toFixed(2)}`);
  });
}

test('progressive and baseline encodings of one image decode alike', () => {
  const a = decodeImage(load('baseline.jpg')).data;
  const b = decodeImage(load('progressive.jpg')).data;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  assert.ok(diff <= 2, `max difference ${diff}`);
});

test.run();
