/**
 * The image arithmetic the corruptions share, as the reference's libraries define it: scipy's
 * border modes and Gaussian kernels (skimage.filters.gaussian is scipy.ndimage.gaussian_filter),
 * OpenCV's reflect-101 2D correlation (cv2.filter2D), and the 8-bit conversions (x / 255 in,
 * np.uint8(clip(x, 0, 1) * 255) out: truncation, as imagecorruptions' corrupt() does).
 */
import type { RgbImage } from '../image/types';

/** Interleaved rows x cols x channels floats. */
export interface FloatImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Float64Array;
}

/** scipy.ndimage border modes: nearest (edge repeated), reflect (d c b a | a b c d), mirror (d c b | a b c d, OpenCV's reflect-101). */
export type BorderMode = 'nearest' | 'reflect' | 'mirror';

export function toFloat(img: RgbImage, scale = 1 / 255): FloatImage {
  const data = new Float64Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = img.data[i] * scale;
  return { width: img.width, height: img.height, channels: 3, data };
}

/** np.uint8(np.clip(x, 0, max) * (255 / max)): clipped, scaled and truncated. */
export function toUint8(img: FloatImage, max = 1): RgbImage {
  const out = new Uint8Array(img.data.length);
  const k = 255 / max;
  for (let i = 0; i < out.length; i++) {
    const v = img.data[i];
    out[i] = v > max ? 255 : v > 0 ? Math.floor(max === 1 ? v * 255 : v * k) : 0;
  }
  return { width: img.width, height: img.height, data: out };
}

export function borderIndex(i: number, n: number, mode: BorderMode): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'nearest' || n === 1) return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    const period = 2 * n;
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - 1 - j;
    return j;
  }
  const period = 2 * n - 2;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/** scipy's _gaussian_kernel1d: exp(-x^2 / 2 sigma^2) over |x| <= int(truncate * sigma + 0.5), summing to 1. */
export function gaussianKernel1d(sigma: number, truncate = 4): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) sum += k[x + radius] = Math.exp(-0.5 * (x * x) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Correlates along rows (axis 'x') or columns (axis 'y') of every channel, in a new image. */
export function correlate1d(img: FloatImage, kernel: Float64Array, axis: 'x' | 'y', mode: BorderMode): FloatImage {
  const { width: w, height: h, channels: c, data } = img;
  const out = new Float64Array(data.length);
  const r = (kernel.length - 1) >> 1;
  const n = axis === 'x' ? w : h;
  const idx = new Int32Array(n + 2 * r);
  for (let i = -r; i < n + r; i++) idx[i + r] = borderIndex(i, n, mode);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * c;
      const at = axis === 'x' ? x : y;
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < kernel.length; k++) {
          const j = idx[at + k];
          s += kernel[k] * data[(axis === 'x' ? y * w + j : j * w + x) * c + ch];
        }
        out[o + ch] = s;
      }
    }
  }
  return { width: w, height: h, channels: c, data: out };
}

/** scipy.ndimage.gaussian_filter over the two image axes (none over channels). */
export function gaussianFilter(img: FloatImage, sigmaY: number, sigmaX: number, mode: BorderMode, truncate = 4): FloatImage {
  const rows = sigmaX > 0 ? correlate1d(img, gaussianKernel1d(sigmaX, truncate), 'x', mode) : img;
  return sigmaY > 0 ? correlate1d(rows, gaussianKernel1d(sigmaY, truncate), 'y', mode) : rows;
}

/** 2D correlation with a centred odd kernel (cv2.filter2D's default border, reflect-101); zero taps skipped. */
export function correlate2d(img: FloatImage, kernel: Float64Array, ksize: number, mode: BorderMode = 'mirror'): FloatImage {
  const { width: w, height: h, channels: c, data } = img;
  const r = (ksize - 1) >> 1;
  const taps: { dy: number; dx: number; v: number }[] = [];
  for (let ky = 0; ky < ksize; ky++) for (let kx = 0; kx < ksize; kx++) if (kernel[ky * ksize + kx] !== 0) taps.push({ dy: ky - r, dx: kx - r, v: kernel[ky * ksize + kx] });
  const out = new Float64Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = y >= r && y < h - r && x >= r && x < w - r;
      for (const { dy, dx, v } of taps) {
        const sy = inside ? y + dy : borderIndex(y + dy, h, mode);
        const sx = inside ? x + dx : borderIndex(x + dx, w, mode);
        const si = (sy * w + sx) * c;
        const o = (y * w + x) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] += v * data[si + ch];
      }
    }
  }
  return { width: w, height: h, channels: c, data: out };
}

/** OpenCV's getGaussianKernel for sigma > 0: exp(-(i - (n-1)/2)^2 / 2 sigma^2), summing to 1. */
export function cvGaussianKernel(n: number, sigma: number): Float64Array {
  const k = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = i - (n - 1) / 2;
    sum += k[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
  }
  for (let i = 0; i < n; i++) k[i] /= sum;
  return k;
}

/** A single-channel float plane as a FloatImage. */
export function plane(width: number, height: number, data: Float64Array = new Float64Array(width * height)): FloatImage {
  return { width, height, channels: 1, data };
}

/** Bilinear sample of channel ch at (y, x), coordinates mapped by `mode` (scipy map_coordinates, order 1). */
export function sampleBilinear(img: FloatImage, y: number, x: number, ch: number, mode: BorderMode): number {
  const { width: w, height: h, channels: c, data } = img;
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const ya = borderIndex(y0, h, mode), yb = borderIndex(y0 + 1, h, mode);
  const xa = borderIndex(x0, w, mode), xb = borderIndex(x0 + 1, w, mode);
  const at = (yy: number, xx: number): number => data[(yy * w + xx) * c + ch];
  return (1 - fy) * ((1 - fx) * at(ya, xa) + fx * at(ya, xb)) + fy * ((1 - fx) * at(yb, xa) + fx * at(yb, xb));
}
