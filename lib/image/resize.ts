/**
 * Resizing that matches PyTorch's `F.interpolate` so that the toolkit feeds a model what it was
 * trained on. Bilinear: align_corners=False, no antialias, half-pixel centres,
 * src = max(0, (dst + 0.5) * in/out - 0.5). The arithmetic is float64 here (torch
 * uses float32 for float32 tensors): results agree to ~1e-6 relative.
 */
import type { RgbImage } from './types';
import { checkImage, checkLength } from './validate';
import { checkInteger } from '../validate';

/** Per-output-index source indices and weights along one axis (torch's linear source index). */
interface LinearTable {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  /** weight of i1; the weight of i0 is 1 - w1 */
  readonly w1: Float64Array;
}

/**
 * Torch's linear source of output index `d` along one axis (srcSize -> dstSize): the two source
 * indices and the weight of the second (the first weighs 1 - w1). The one rule of every bilinear
 * lookup here and in the server's /pixel answer, so a value read at a pixel is the one drawn.
 */
export function linearSource(d: number, srcSize: number, dstSize: number): readonly [i0: number, i1: number, w1: number] {
  const real = Math.max(0, (d + 0.5) * (srcSize / dstSize) - 0.5);
  const lo = Math.floor(real);
  return [lo, lo < srcSize - 1 ? lo + 1 : lo, Math.min(Math.max(real - lo, 0), 1)];
}

function linearTable(srcSize: number, dstSize: number): LinearTable {
  const i0 = new Int32Array(dstSize);
  const i1 = new Int32Array(dstSize);
  const w1 = new Float64Array(dstSize);
  for (let d = 0; d < dstSize; d++) [i0[d], i1[d], w1[d]] = linearSource(d, srcSize, dstSize);
  return { i0, i1, w1 };
}

/**
 * Bilinear resize of planar [C, H, W] float data, exactly torch's
 * `F.interpolate(x, size=(dstH, dstW), mode='bilinear', align_corners=False)` (up to float32 rounding).
 * @param out [new Float32Array(channels*dstH*dstW)] destination, reused when given
 * @returns `out`, [C, dstH, dstW]
 */
export function resizeBilinearPlanar(
  src: Float32Array,
  channels: number,
  srcW: number,
  srcH: number,
  dstW: number,
  dstH: number,
  out?: Float32Array,
): Float32Array {
  if (!(src instanceof Float32Array)) throw new TypeError(`src must be a Float32Array, got ${typeof src}`);
  checkInteger('channels', channels, 1);
  checkInteger('srcW', srcW, 1);
  checkInteger('srcH', srcH, 1);
  checkInteger('dstW', dstW, 1);
  checkInteger('dstH', dstH, 1);
  checkLength('src', src, channels * srcW * srcH, `${channels}x${srcH}x${srcW}`);
  const dst = out ?? new Float32Array(channels * dstW * dstH);
  if (!(dst instanceof Float32Array)) throw new TypeError(`out must be a Float32Array, got ${typeof out}`);
  checkLength('out', dst, channels * dstW * dstH, `${channels}x${dstH}x${dstW}`);

  const xs = linearTable(srcW, dstW);
  const ys = linearTable(srcH, dstH);
  const { i0: x0, i1: x1, w1: wx1 } = xs;
  const srcPlane = srcW * srcH;
  let o = 0;
  for (let c = 0; c < channels; c++) {
    const base = c * srcPlane;
    for (let y = 0; y < dstH; y++) {
      const row0 = base + ys.i0[y] * srcW;
      const row1 = base + ys.i1[y] * srcW;
      const h1 = ys.w1[y];
      const h0 = 1 - h1;
      for (let x = 0; x < dstW; x++) {
        const a = x0[x];
        const b = x1[x];
        const w1 = wx1[x];
        const w0 = 1 - w1;
        dst[o++] = h0 * (w0 * src[row0 + a] + w1 * src[row0 + b]) + h1 * (w0 * src[row1 + a] + w1 * src[row1 + b]);
      }
    }
  }
  return dst;
}

/**
 * An RGB image to planar [3, dstH, dstW] floats in 0..255, resized bilinearly as
 * resizeBilinearPlanar does (the HWC -> CHW permute happens once, before resizing).
 */
export function resizeRgbToPlanar(img: RgbImage, dstW: number, dstH: number): Float32Array {
  checkImage('img', img, 3);
  const { width, height, data } = img;
  const plane = width * height;
  const planar = new Float32Array(3 * plane);
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    planar[i] = data[j];
    planar[plane + i] = data[j + 1];
    planar[2 * plane + i] = data[j + 2];
  }
  return resizeBilinearPlanar(planar, 3, width, height, dstW, dstH);
}
