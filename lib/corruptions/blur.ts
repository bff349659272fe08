/**
 * Blur corruptions (imagecorruptions' gaussian_blur, defocus_blur, motion_blur, zoom_blur,
 * glass_blur) with the reference's kernels: scipy Gaussians with nearest borders, OpenCV's
 * anti-aliased disk for defocus, a one-sided Gaussian streak for motion, the mean of centre
 * zooms (scipy's order-1 zoom) for zoom blur.
 */
import type { RgbImage } from '../image/types';
import { correlate1d, correlate2d, cvGaussianKernel, gaussianFilter, plane, toFloat, toUint8, type FloatImage } from './filters';
import type { CorruptionRandom } from './random';

export function gaussianBlur(img: RgbImage, sigma: number): RgbImage {
  return toUint8(gaussianFilter(toFloat(img), sigma, sigma, 'nearest'));
}

/**
 * imagecorruptions' disk(): the 0/1 disk x^2 + y^2 <= r^2 on a grid of radius max(8, r), summing
 * to 1, smoothed by OpenCV's Gaussian (3x3, or 5x5 past radius 8) of sigma aliasBlur.
 */
export function diskKernel(radius: number, aliasBlur: number): { kernel: Float64Array; size: number } {
  const half = radius <= 8 ? 8 : Math.floor(radius);
  const size = 2 * half + 1;
  const disk = new Float64Array(size * size);
  let sum = 0;
  for (let y = -half; y <= half; y++) for (let x = -half; x <= half; x++) if (x * x + y * y <= radius * radius) sum += disk[(y + half) * size + x + half] = 1;
  for (let i = 0; i < disk.length; i++) disk[i] /= sum;
  const g = cvGaussianKernel(radius <= 8 ? 3 : 5, aliasBlur);
  const smooth = correlate1d(correlate1d(plane(size, size, disk), g, 'x', 'mirror'), g, 'y', 'mirror');
  return { kernel: smooth.data, size };
}

export function defocusBlur(img: RgbImage, radius: number, aliasBlur: number): RgbImage {
  const { kernel, size } = diskKernel(radius, aliasBlur);
  return toUint8(correlate2d(toFloat(img), kernel, size, 'mirror'));
}

/**
 * The reference's _motion_blur over 0..255 values: sum_i k_i shift(x, step i along the angle),
 * k the normalised one-sided Gaussian exp(-i^2 / 2 sigma^2), i < 2 radius + 1, shifts with the
 * edge repeated; stops at a shift past the image.
 */
export function motionBlurFloat(x: FloatImage, radius: number, sigma: number, angleDeg: number): FloatImage {
  const width = 2 * radius + 1;
  const k = new Float64Array(width);
  let z = 0;
  for (let i = 0; i < width; i++) z += k[i] = Math.exp(-(i * i) / (2 * sigma * sigma));
  const a = (angleDeg * Math.PI) / 180;
  const sin = Math.sin(a);
  const cos = Math.cos(a);
  const { width: w, height: h, channels: c, data } = x;
  const out = new Float64Array(data.length);
  for (let i = 0; i < width; i++) {
    const dy = -Math.ceil(i * sin - 0.5);
    const dx = -Math.ceil(i * cos - 0.5);
    if (Math.abs(dy) >= h || Math.abs(dx) >= w) break;
    const ki = k[i] / z;
    for (let yy = 0; yy < h; yy++) {
      const sy = Math.min(h - 1, Math.max(0, yy - dy));
      for (let xx = 0; xx < w; xx++) {
        const sx = Math.min(w - 1, Math.max(0, xx - dx));
        const o = (yy * w + xx) * c;
        const s = (sy * w + sx) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] += ki * data[s + ch];
      }
    }
  }
  return { width: w, height: h, channels: c, data: out };
}

/** Motion blur at a seeded angle in [-45, 45) degrees. */
export function motionBlur(img: RgbImage, radius: number, sigma: number, rng: CorruptionRandom): RgbImage {
  const angle = rng.between(-45, 45);
  return toUint8(motionBlurFloat(toFloat(img, 1), radius, sigma, angle), 255);
}

/** numpy.arange(start, stop, step): ceil((stop - start) / step) values start + i ((start + step) - start), as numpy fills them. */
export function arange(start: number, stop: number, step: number): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start;
  return Array.from({ length: n }, (_, i) => start + i * delta);
}

/** Python's round(): halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The reference's clipped_zoom: the centre ceil(n / z) of each side, zoomed by z with scipy's
 * zoom (order 1, output round(side z), corners aligned), cut back to the image's size.
 */
export function clippedZoom(x: FloatImage, z: number): FloatImage {
  const { width: w, height: h, channels: c } = x;
  const ch0 = Math.ceil(h / z);
  const ch1 = Math.ceil(w / z);
  const top0 = Math.floor((h - ch0) / 2);
  const top1 = Math.floor((w - ch1) / 2);
  const outH = roundHalfEven(ch0 * z);
  const outW = roundHalfEven(ch1 * z);
  const sy = outH > 1 ? (ch0 - 1) / (outH - 1) : 0;
  const sx = outW > 1 ? (ch1 - 1) / (outW - 1) : 0;
  // order-1 zoom: each output row/column reads two neighbours of the crop (always inside it)
  const taps = (n: number, top: number, size: number, scale: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } => {
    const i0 = new Int32Array(n), i1 = new Int32Array(n), f = new Float64Array(n);
    for (let o = 0; o < n; o++) {
      const v = o * scale;
      const a = Math.min(Math.floor(v), size - 1);
      i0[o] = top + a;
      i1[o] = top + Math.min(a + 1, size - 1);
      f[o] = v - a;
    }
    return { i0, i1, f };
  };
  const rows = taps(Math.min(h, outH), top0, ch0, sy);
  const cols = taps(Math.min(w, outW), top1, ch1, sx);
  const src = x.data;
  const data = new Float64Array(w * h * c);
  for (let y = 0; y < rows.f.length; y++) {
    const ra = rows.i0[y] * w, rb = rows.i1[y] * w, fy = rows.f[y];
    for (let xx = 0; xx < cols.f.length; xx++) {
      const ca = cols.i0[xx], cb = cols.i1[xx], fx = cols.f[xx];
      for (let k = 0; k < c; k++) {
        const top = (1 - fx) * src[(ra + ca) * c + k] + fx * src[(ra + cb) * c + k];
        const bottom = (1 - fx) * src[(rb + ca) * c + k] + fx * src[(rb + cb) * c + k];
        data[(y * w + xx) * c + k] = (1 - fy) * top + fy * bottom;
      }
    }
  }
  return { width: w, height: h, channels: c, data };
}

/** (x + sum_z clipped_zoom(x, z)) / (zooms + 1). */
export function zoomBlur(img: RgbImage, zooms: readonly number[]): RgbImage {
  const x = toFloat(img);
  const acc = Float64Array.from(x.data);
  for (const z of zooms) {
    const layer = clippedZoom(x, z).data;
    for (let i = 0; i < acc.length; i++) acc[i] += layer[i];
  }
  for (let i = 0; i < acc.length; i++) acc[i] /= zooms.length + 1;
  return toUint8({ ...x, data: acc });
}

/**
 * Glass blur: Gaussian blur to 8 bits, then `iterations` passes from the bottom-right corner
 * that set each pixel to a neighbour at offset in [-delta, delta) (the reference's tuple "swap"
 * of numpy views copies rather than swaps; kept as it behaves), then the Gaussian again.
 */
export function glassBlur(img: RgbImage, sigma: number, delta: number, iterations: number, rng: CorruptionRandom): RgbImage {
  const first = toUint8(gaussianFilter(toFloat(img), sigma, sigma, 'nearest'));
  const d = first.data;
  const { width: w, height: h } = first;
  for (let it = 0; it < iterations; it++) {
    for (let y = h - delta; y > delta; y--) {
      for (let x = w - delta; x > delta; x--) {
        const dx = rng.int(-delta, delta);
        const dy = rng.int(-delta, delta);
        const o = (y * w + x) * 3;
        const s = ((y + dy) * w + x + dx) * 3;
        d[o] = d[s];
        d[o + 1] = d[s + 1];
        d[o + 2] = d[s + 2];
      }
    }
  }
  return toUint8(gaussianFilter(toFloat(first), sigma, sigma, 'nearest'));
}
