/**
 * Digital corruptions (imagecorruptions' jpeg_compression, pixelate, elastic_transform): JPEG
 * through sharp at a quality (libjpeg's standard tables scaled by quality, 4:2:0 chroma, as
 * PIL saves), pixelation as PIL's BOX downscale then NEAREST upscale, and the elastic warp.
 */
import { sharpModule } from '../image/decode-sharp';
import type { RgbImage } from '../image/types';
import { gaussianFilter, plane, sampleBilinear, toFloat, toUint8 } from './filters';
import type { CorruptionRandom } from './random';


/** The image as a baseline JPEG at `quality` (libjpeg's Annex K tables scaled by quality, 4:2:0 chroma: what PIL's save does). */
export async function encodeJpeg(img: RgbImage, quality: number): Promise<Buffer> {
  const raw = { width: img.width, height: img.height, channels: 3 as const };
  return sharpModule(undefined)(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw })
    .jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false, quantisationTable: 0 }).toBuffer();
}

/** Encodes at `quality` and decodes again. */
export async function jpegCompression(img: RgbImage, quality: number): Promise<RgbImage> {
  const jpeg = await encodeJpeg(img, quality);
  const { data, info } = await sharpModule(undefined)(jpeg).removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== img.width || info.height !== img.height) throw new Error(`JPEG round trip gave ${info.width}x${info.height}x${info.channels}`);
  return { width: img.width, height: img.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

const PRECISION_BITS = 22; // Pillow's fixed-point resampling: 32 - 8 - 2

/** Pillow's BOX resampling coefficients of one axis, in its fixed point. */
function boxCoefficients(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; k: Int32Array[] } {
  const scale = inSize / outSize;
  const support = 0.5 * Math.max(scale, 1);
  const ss = 1 / Math.max(scale, 1);
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const k: Int32Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const w: number[] = [];
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) * ss;
      const v = t > -0.5 && t <= 0.5 ? 1 : 0;
      w.push(v);
      sum += v;
    }
    start[o] = xmin;
    count[o] = xmax;
    k.push(Int32Array.from(w, (v) => Math.trunc(0.5 + (sum ? v / sum : 0) * (1 << PRECISION_BITS))));
  }
  return { start, count, k };
}

function clip8(v: number): number {
  const r = Math.floor(v / (1 << PRECISION_BITS));
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** Pillow's resize(BOX): horizontal pass, then vertical, each rounded to 8 bits. */
export function resizeBox(img: RgbImage, outW: number, outH: number): RgbImage {
  const { width: w, height: h, data } = img;
  const hc = boxCoefficients(w, outW);
  const mid = new Uint8Array(outW * h * 3);
  for (let y = 0; y < h; y++) {
    for (let o = 0; o < outW; o++) {
      for (let c = 0; c < 3; c++) {
        let s = 1 << (PRECISION_BITS - 1);
        for (let i = 0; i < hc.count[o]; i++) s += data[(y * w + hc.start[o] + i) * 3 + c] * hc.k[o][i];
        mid[(y * outW + o) * 3 + c] = clip8(s);
      }
    }
  }
  const vc = boxCoefficients(h, outH);
  const out = new Uint8Array(outW * outH * 3);
  for (let o = 0; o < outH; o++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 1 << (PRECISION_BITS - 1);
        for (let i = 0; i < vc.count[o]; i++) s += mid[((vc.start[o] + i) * outW + x) * 3 + c] * vc.k[o][i];
        out[(o * outW + x) * 3 + c] = clip8(s);
      }
    }
  }
  return { width: outW, height: outH, data: out };
}

/**
 * Pillow's resize(NEAREST), an affine transform: the source coordinate starts at half a step
 * and grows by in / out per output pixel, accumulated in floating point as Pillow does (so a
 * coordinate meant to be whole can land just below it), then truncated.
 */
export function resizeNearest(img: RgbImage, outW: number, outH: number): RgbImage {
  const source = (inSize: number, outSize: number): Int32Array => {
    const step = inSize / outSize;
    const idx = new Int32Array(outSize);
    let v = step * 0.5;
    for (let o = 0; o < outSize; o++, v += step) idx[o] = Math.min(inSize - 1, Math.trunc(v));
    return idx;
  };
  const ys = source(img.height, outH);
  const xs = source(img.width, outW);
  const out = new Uint8Array(outW * outH * 3);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const s = (ys[y] * img.width + xs[x]) * 3;
      out.set(img.data.subarray(s, s + 3), (y * outW + x) * 3);
    }
  }
  return { width: outW, height: outH, data: out };
}

/** Down to int(side c) with BOX, back up with NEAREST. */
export function pixelate(img: RgbImage, c: number): RgbImage {
  const small = resizeBox(img, Math.max(1, Math.trunc(img.width * c)), Math.max(1, Math.trunc(img.height * c)));
  return resizeNearest(small, img.width, img.height);
}

/**
 * The elastic displacement of one axis: uniform noise in [-max, max) per pixel, smoothed by a
 * Gaussian of sigma (rows, cols) = (H, W) / 100 (reflect borders, truncate 3), times alpha.
 */
export function elasticField(width: number, height: number, alpha: number, rng: CorruptionRandom): Float64Array {
  const max = height * 0.005;
  const noise = new Float64Array(width * height);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.between(-max, max);
  const smooth = gaussianFilter(plane(width, height, noise), height * 0.01, width * 0.01, 'reflect', 3).data;
  for (let i = 0; i < smooth.length; i++) smooth[i] = Math.fround(smooth[i] * alpha);
  return smooth;
}

/** Samples every channel at (y + dy, x + dx), bilinear, reflect borders (scipy map_coordinates, order 1). */
export function warp(img: RgbImage, dx: Float64Array, dy: Float64Array): RgbImage {
  const x = toFloat(img);
  const out = new Float64Array(x.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let xx = 0; xx < img.width; xx++) {
      const p = y * img.width + xx;
      for (let c = 0; c < 3; c++) out[p * 3 + c] = sampleBilinear(x, y + dy[p], xx + dx[p], c, 'reflect');
    }
  }
  return toUint8({ ...x, data: out });
}

export function elasticTransform(img: RgbImage, alpha: number, rng: CorruptionRandom): RgbImage {
  const dx = elasticField(img.width, img.height, alpha, rng);
  const dy = elasticField(img.width, img.height, alpha, rng);
  return warp(img, dx, dy);
}
