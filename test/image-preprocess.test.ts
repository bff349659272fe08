import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imageToInputTensor } from '../lib/image/preprocess';
import { resizeRgbToPlanar } from '../lib/image/resize';
import type { ModelCard } from '../lib/model/types';
import { throwsError } from './fixtures/throws';

const INPUT: ModelCard['input'] = { width: 2, height: 1, layout: 'NCHW', mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] };
const IMG = { width: 2, height: 1, data: Uint8Array.from([255, 0, 51, 0, 255, 102]) };

test('same size: x/255, then (x - mean) / std, planar [1, 3, H, W]', () => {
  const t = imageToInputTensor(IMG, INPUT);
  const want = [(1 - 0.5) / 0.5, (0 - 0.5) / 0.5, (0 - 0.25) / 0.25, (1 - 0.25) / 0.25, 0.2 / 2, 0.4 / 2];
  assert.is(t.length, 6);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(t[i] - want[i]) < 1e-6, `${i}: ${t[i]} vs ${want[i]}`);
});

test('resizes bilinearly to the input size first', () => {
  const input: ModelCard['input'] = { ...INPUT, width: 5, height: 3 };
  const t = imageToInputTensor(IMG, input);
  const r = resizeRgbToPlanar(IMG, 5, 3);
  assert.is(t.length, 3 * 5 * 3);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 15; i++) {
      const want = (r[c * 15 + i] / 255 - input.mean[c]) / input.std[c];
      assert.ok(Math.abs(t[c * 15 + i] - want) < 1e-6);
    }
  }
});

test('EXPECTED FAILURE: mean/std lengths, zero std, layout, size', () => {
  const bad = (patch: object): ModelCard['input'] => ({ ...INPUT, ...patch }) as ModelCard['input'];
  assert.throws(() => imageToInputTensor(IMG, bad({ mean: [0.5, 0.5] })), (e: unknown) => e instanceof RangeError && /input\.mean must have 3 entries/.test((e as Error).message));
  assert.throws(() => imageToInputTensor(IMG, bad({ std: [1, 0, 1] })), /input\.std\[1\] must not be 0/);
  throwsError(() => imageToInputTensor(IMG, bad({ std: [1, NaN, 1] })), RangeError, /^input\.std\[1\] must be a finite number, got NaN$/);
  assert.throws(() => imageToInputTensor(IMG, bad({ layout: 'NHWC' })), /layout/);
  assert.throws(() => imageToInputTensor(IMG, bad({ width: 0 })), /input\.width/);
  assert.throws(() => imageToInputTensor({ width: 2, height: 1, data: new Uint8Array(5) }, INPUT), /img\.data/);
});

test.run();
