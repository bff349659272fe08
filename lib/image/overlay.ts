/** Compositing for reports: alpha blending and class-index colouring. */
import type { RgbColor, RgbImage } from './types';
import { checkColors, checkImage, checkLength } from './validate';
import { checkInteger, checkNumber } from '../validate';

/**
 * base * (1 - alpha) + overlay * alpha per channel, rounded.
 * @param alpha weight of the overlay in [0, 1]
 */
export function blend(base: RgbImage, overlay: RgbImage, alpha: number): RgbImage {
  checkImage('base', base, 3);
  checkImage('overlay', overlay, 3);
  checkNumber('alpha', alpha, { min: 0, max: 1 });
  if (base.width !== overlay.width || base.height !== overlay.height) {
    throw new RangeError(`overlay is ${overlay.width}x${overlay.height}, base is ${base.width}x${base.height}: sizes must match`);
  }
  const a = base.data;
  const b = overlay.data;
  const out = new Uint8Array(a.length);
  const keep = 1 - alpha;
  for (let i = 0; i < a.length; i++) out[i] = Math.round(a[i] * keep + b[i] * alpha);
  return { width: base.width, height: base.height, data: out };
}

/** Colours each pixel's class index with colors[index]; indices without a colour are black. */
export function classColorMap(predicted: Uint8Array, width: number, height: number, colors: readonly RgbColor[]): RgbImage {
  if (!(predicted instanceof Uint8Array)) throw new TypeError(`predicted must be a Uint8Array, got ${typeof predicted}`);
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  checkLength('predicted', predicted, width * height, `${height}x${width}`);
  checkColors('colors', colors);
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < colors.length && i < 256; i++) lut.set(colors[i], i * 3);
  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const l = predicted[i] * 3;
    out[o] = lut[l];
    out[o + 1] = lut[l + 1];
    out[o + 2] = lut[l + 2];
  }
  return { width, height, data: out };
}
