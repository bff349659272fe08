import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyColormap, colormapLut, COLORMAP_NAMES, placeholderColors } from '../lib/image/colormap';
import type { ColormapName } from '../lib/image/types';
import { throwsError } from './fixtures/throws';

/** rows of matplotlib's 256-entry tables (lib/matplotlib/_cm_listed.py), as bytes round(255 v) */
const MPL: [ColormapName, number, [number, number, number]][] = [
  ['viridis', 0, [68, 1, 84]], ['viridis', 128, [33, 145, 140]], ['viridis', 255, [253, 231, 37]],
  ['viridis', 64, [59, 82, 139]], ['viridis', 192, [94, 201, 98]],
  ['magma', 0, [0, 0, 4]], ['magma', 113, [158, 47, 127]], ['magma', 255, [252, 253, 191]],
  ['inferno', 0, [0, 0, 4]], ['inferno', 116, [169, 46, 94]], ['inferno', 255, [252, 255, 164]],
  ['cividis', 0, [0, 34, 78]], ['cividis', 63, [66, 78, 108]], ['cividis', 191, [187, 173, 109]], ['cividis', 255, [254, 232, 56]],
];

const rgbAt = (lut: Uint8Array, k: number): number[] => [lut[3 * k], lut[3 * k + 1], lut[3 * k + 2]];

test('colormapLut: 256 entries per map, close to matplotlib', () => {
  for (const name of COLORMAP_NAMES) assert.is(colormapLut(name).length, 768);
  for (const [name, k, want] of MPL) {
    const got = rgbAt(colormapLut(name), k);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[c] - want[c]) <= 3, `${name}[${k}] = ${got} vs ${want}`);
  }
  assert.is(colormapLut('viridis'), colormapLut('viridis')); // built once
});

test('colormapLut: luminance rises along every map', () => {
  for (const name of COLORMAP_NAMES) {
    const lut = colormapLut(name);
    let prev = -1;
    for (let k = 0; k < 256; k += 8) {
      const l = 0.2126 * lut[3 * k] + 0.7152 * lut[3 * k + 1] + 0.0722 * lut[3 * k + 2];
      assert.ok(l >= prev - 1, `${name} at ${k}`);
      prev = l;
    }
  }
  assert.throws(() => colormapLut('jet' as ColormapName), (e: unknown) => e instanceof RangeError && /"jet"/.test((e as Error).message));
});

test('applyColormap: data range by default, NaN black, clamping, names', () => {
  const values = Float32Array.from([0, 0.5, 1, NaN, 2, -1]);
  const v = colormapLut('viridis');
  const img = applyColormap(values.subarray(0, 4), 2, 2);
  assert.is(img.width, 2);
  assert.equal(rgbAt(img.data, 0), rgbAt(v, 0));
  assert.equal(rgbAt(img.data, 1), rgbAt(v, 128));
  assert.equal(rgbAt(img.data, 2), rgbAt(v, 255));
  assert.equal(rgbAt(img.data, 3), [0, 0, 0]);
  const clamped = applyColormap(values, 3, 2, { min: 0, max: 1, name: 'magma' });
  const m = colormapLut('magma');
  assert.equal(rgbAt(clamped.data, 4), rgbAt(m, 255));
  assert.equal(rgbAt(clamped.data, 5), rgbAt(m, 0));
  const defaultRange = applyColormap(values, 3, 2, { name: 'inferno' }); // range -1..2
  assert.equal(rgbAt(defaultRange.data, 0), rgbAt(colormapLut('inferno'), 85));
  const onlyMin = applyColormap(Float32Array.from([1, 3]), 2, 1, { min: 2 }); // max from data: 3
  assert.equal(rgbAt(onlyMin.data, 0), rgbAt(v, 0));
  assert.equal(rgbAt(onlyMin.data, 1), rgbAt(v, 255));
});

test('applyColormap: edge cases (constant map, all NaN, infinities)', () => {
  const v = colormapLut('viridis');
  const flat = applyColormap(new Float32Array(4).fill(0.3), 2, 2);
  for (let i = 0; i < 4; i++) assert.equal(rgbAt(flat.data, i), rgbAt(v, 0));
  const nan = applyColormap(new Float32Array(2).fill(NaN), 2, 1);
  assert.equal(Array.from(nan.data), [0, 0, 0, 0, 0, 0]);
  const inf = applyColormap(Float32Array.from([0, 1, Infinity, -Infinity]), 4, 1);
  assert.equal(rgbAt(inf.data, 2), rgbAt(v, 255));
  assert.equal(rgbAt(inf.data, 3), rgbAt(v, 0));
});

test('applyColormap: EXPECTED FAILURE', () => {
  assert.throws(() => applyColormap(new Float32Array(3), 2, 2), /values has length 3, expected 4/);
  throwsError(() => applyColormap(new Float32Array(4), 2, 2, { min: 1, max: 0 }), RangeError, /^options\.max \(0\) must not be below options\.min \(1\)$/);
  assert.throws(() => applyColormap(new Float32Array(4), 2, 2, { min: NaN, max: 1 }), /^options\.min must be a finite number, got NaN$/);
  assert.throws(() => applyColormap(new Float32Array(4), 2, 2, { name: 'hot' as ColormapName }), /colormap name/);
  throwsError(() => applyColormap(new Float64Array(4) as unknown as Float32Array, 2, 2), TypeError, /^values must be a Float32Array, got object$/);
});

test('placeholder colours (drafted cards) are distinct bytes', () => {
  const colors = placeholderColors(256);
  assert.is(new Set(colors.map((x) => x.join(','))).size, 256);
  assert.ok(colors.every((c) => c.length === 3 && c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)));
});

test.run();
