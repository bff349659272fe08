/**
 * Colour corruptions (imagecorruptions' brightness, contrast, saturate): brightness and
 * saturation are changed in HSV with skimage's rgb2hsv/hsv2rgb conventions (hue 0 where the
 * pixel is grey), contrast scales each channel about its image mean.
 */
import type { RgbImage } from '../image/types';
import { toFloat, toUint8 } from './filters';

/** skimage rgb2hsv of one pixel in [0, 1]: [h in [0, 1), s, v]. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const v = Math.max(r, g, b);
  const delta = v - Math.min(r, g, b);
  if (delta === 0) return [0, 0, v];
  let h: number;
  // later cases win ties, as skimage's successive masks do (the hue is the same either way)
  if (b === v) h = 4 + (r - g) / delta;
  else if (g === v) h = 2 + (b - r) / delta;
  else h = (g - b) / delta;
  h = (((h / 6) % 1) + 1) % 1;
  return [h, delta / v, v];
}

/** skimage hsv2rgb of one pixel. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const hi = Math.floor(h * 6);
  const f = h * 6 - hi;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (((hi % 6) + 6) % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

function mapHsv(img: RgbImage, f: (hsv: [number, number, number]) => void): RgbImage {
  const x = toFloat(img);
  const d = x.data;
  for (let i = 0; i < d.length; i += 3) {
    const hsv = rgbToHsv(d[i], d[i + 1], d[i + 2]);
    f(hsv);
    const [r, g, b] = hsvToRgb(hsv[0], hsv[1], hsv[2]);
    d[i] = r;
    d[i + 1] = g;
    d[i + 2] = b;
  }
  return toUint8(x);
}

/** V + c, clipped to [0, 1]. */
export function brightness(img: RgbImage, c: number): RgbImage {
  return mapHsv(img, (hsv) => { hsv[2] = Math.min(1, Math.max(0, hsv[2] + c)); });
}

/** S * a + b, clipped to [0, 1]. */
export function saturate(img: RgbImage, a: number, b: number): RgbImage {
  return mapHsv(img, (hsv) => { hsv[1] = Math.min(1, Math.max(0, hsv[1] * a + b)); });
}

/** (x - mean) c + mean, the mean per channel over the image. */
export function contrast(img: RgbImage, c: number): RgbImage {
  const x = toFloat(img);
  const d = x.data;
  const means = [0, 0, 0];
  for (let i = 0; i < d.length; i++) means[i % 3] += d[i];
  const n = d.length / 3;
  for (let k = 0; k < 3; k++) means[k] /= n;
  for (let i = 0; i < d.length; i++) d[i] = (d[i] - means[i % 3]) * c + means[i % 3];
  return toUint8(x);
}
