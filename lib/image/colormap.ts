/** Scalar maps to colour through perceptually uniform 256-entry lookup tables. */
import type { ColormapName, RgbImage } from './types';
import { COLORMAP_STOPS } from './colormap-data';
import { checkLength } from './validate';
import { checkInteger, checkNumber } from '../validate';

export { blend, classColorMap } from './overlay';

/** The colormap names accepted by colormapLut and applyColormap. */
export const COLORMAP_NAMES: readonly ColormapName[] = ['viridis', 'magma', 'inferno', 'cividis'];

const cache = new Map<ColormapName, Uint8Array>();

function buildLut(name: ColormapName): Uint8Array {
  const stops = COLORMAP_STOPS[name];
  const segments = stops.length - 1;
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * segments;
    const k = Math.min(Math.floor(pos), segments - 1);
    const t = pos - k;
    for (let c = 0; c < 3; c++) {
      const v = stops[k][c] * (1 - t) + stops[k + 1][c] * t;
      lut[i * 3 + c] = Math.round(v * 255);
    }
  }
  return lut;
}

/**
 * The 256-entry table of a colormap, [r0, g0, b0, r1, ...] (768 bytes). Built once per name;
 * the returned array is shared, do not modify it.
 */
export function colormapLut(name: ColormapName): Uint8Array {
  if (!COLORMAP_NAMES.includes(name)) {
    throw new RangeError(`colormap name must be one of ${COLORMAP_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
  let lut = cache.get(name);
  if (lut === undefined) {
    lut = buildLut(name);
    cache.set(name, lut);
  }
  return lut;
}

/** Options of applyColormap. */
export interface ColormapOptions {
  /** [min of the finite values] value drawn with the first colour; lower values clamp */
  readonly min?: number;
  /** [max of the finite values] value drawn with the last colour; higher values clamp */
  readonly max?: number;
  /** ['viridis'] the colormap */
  readonly name?: ColormapName;
}

/** [min, max] of the finite values, or [0, 1] when there are none. */
function finiteRange(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo && v !== -Infinity) lo = v;
    if (v > hi && v !== Infinity) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * A [H, W] float map to RGB: (v - min) / (max - min) picks one of 256 colours (rounded), values
 * outside clamp to the ends, NaN is black. When max == min every value gets the first colour.
 */
export function applyColormap(values: Float32Array, width: number, height: number, options: ColormapOptions = {}): RgbImage {
  if (!(values instanceof Float32Array)) throw new TypeError(`values must be a Float32Array, got ${typeof values}`);
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  checkLength('values', values, width * height, `${height}x${width}`);
  const lut = colormapLut(options.name ?? 'viridis');
  const range = options.min === undefined || options.max === undefined ? finiteRange(values) : null;
  const min = options.min ?? (range as [number, number])[0];
  const max = options.max ?? (range as [number, number])[1];
  checkNumber('options.min', min);
  checkNumber('options.max', max);
  if (max < min) throw new RangeError(`options.max (${max}) must not be below options.min (${min})`);
  const scale = max > min ? 255 / (max - min) : 0;

  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const v = values[i];
    if (v !== v) continue; // NaN stays black
    let k = Math.round((v - min) * scale);
    if (k < 0) k = 0;
    else if (k > 255) k = 255;
    const l = k * 3;
    out[o] = lut[l];
    out[o + 1] = lut[l + 1];
    out[o + 2] = lut[l + 2];
  }
  return { width, height, data: out };
}

/** Distinct placeholder colours: hues around the golden angle, alternating lightness. */
export function placeholderColors(n: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const h = (i * 137.508) % 360;
    const l = i % 2 === 0 ? 0.5 : 0.35;
    const s = 0.75;
    const k = (m: number): number => (m + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    const f = (m: number): number => Math.round(255 * (l - a * Math.max(-1, Math.min(k(m) - 3, 9 - k(m), 1))));
    out.push([f(0), f(8), f(4)]);
  }
  return out;
}
