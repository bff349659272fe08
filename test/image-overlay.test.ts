import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blend, classColorMap } from '../lib/image/overlay';
import { throwsError } from './fixtures/throws';

const A = { width: 2, height: 1, data: Uint8Array.from([0, 100, 255, 10, 20, 30]) };
const B = { width: 2, height: 1, data: Uint8Array.from([255, 0, 255, 30, 20, 10]) };

test('blend: alpha 0 is the base, 1 the overlay, 0.5 the rounded mean', () => {
  assert.equal(Array.from(blend(A, B, 0).data), Array.from(A.data));
  assert.equal(Array.from(blend(A, B, 1).data), Array.from(B.data));
  assert.equal(Array.from(blend(A, B, 0.5).data), [128, 50, 255, 20, 20, 20]);
  assert.is(blend(A, B, 0.5).width, 2);
});

test('blend: EXPECTED FAILURE', () => {
  assert.throws(() => blend(A, B, 1.5), (e: unknown) => e instanceof RangeError && /^alpha must be a number in \[0, 1\], got 1\.5$/.test((e as Error).message));
  throwsError(() => blend(A, B, NaN), RangeError, /^alpha must be a number in \[0, 1\], got NaN$/);
  assert.throws(() => blend(A, { width: 1, height: 2, data: B.data }, 0.5), /sizes must match/);
  assert.throws(() => blend(A, { width: 2, height: 1, data: new Uint8Array(5) }, 0.5), /overlay\.data/);
});

test('classColorMap: colours by index, unknown index black', () => {
  const img = classColorMap(Uint8Array.from([0, 1, 2, 255]), 2, 2, [[1, 2, 3], [4, 5, 6]]);
  assert.equal(Array.from(img.data), [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0]);
  assert.equal([img.width, img.height], [2, 2]);
});

test('classColorMap: EXPECTED FAILURE', () => {
  assert.throws(() => classColorMap(new Uint8Array(3), 2, 2, []), /predicted has length 3, expected 4/);
  assert.throws(() => classColorMap(new Uint8Array(4), 2, 2, [[0, 0, 256]]), /colors\[0\]/);
  throwsError(() => classColorMap([0] as unknown as Uint8Array, 1, 1, []), TypeError, /^predicted must be a Uint8Array, got object$/);
});

test.run();
