/** Photos to 8-bit RGB: header checks first, then pngjs or jpeg-js, alpha composited over white. */
import type { RgbImage } from './types';
import { decodeJpegRgb } from './decode-jpeg';
import { DEFAULT_MAX_PIXELS } from '../defaults';
import { checkedHeader, type DecodeOptions } from './decode-limits';
import { readPng } from './decode-png';

/**
 * Decodes a PNG or JPEG (recognised by magic bytes) to RGB.
 *
 * - The header is read first: an empty image, or one declaring more than `maxPixels` pixels, is
 *   refused before any pixel memory is allocated.
 * - PNG: every bit depth (1/2/4/8/16; 16-bit is rounded to 8-bit), gray, gray+alpha, RGB, RGBA,
 *   palette, tRNS, interlaced. Alpha is composited over WHITE, rgb*a + 255*(1-a), so transparent
 *   areas don't turn into black that a model could read as night or shadow. gAMA is ignored.
 * - JPEG: see decodeJpegRgb (grayscale, progressive, CMYK/YCCK via jpeg-js).
 *
 * @param options.file [undefined] file name for error messages
 * @param options.maxPixels [DEFAULT_MAX_PIXELS] largest accepted width*height
 * @throws ImageError for data that is not a decodable image; TypeError/RangeError for bad arguments
 */
export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage {
  const { file, maxPixels = DEFAULT_MAX_PIXELS } = options;
  const header = checkedHeader(bytes, file, maxPixels);
  if (header.format === 'jpeg') return decodeJpegRgb(bytes, file, maxPixels);
  return decodePngRgb(bytes, file);
}

function decodePngRgb(bytes: Uint8Array, file: string | undefined): RgbImage {
  const png = readPng(bytes, file);
  const { width, height } = png;
  const rgba = png.data;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0, k = 0; i < n; i++, j += 4, k += 3) {
    const a = rgba[j + 3];
    if (a === 255) {
      out[k] = rgba[j];
      out[k + 1] = rgba[j + 1];
      out[k + 2] = rgba[j + 2];
    } else {
      // (c*a + 255*(255-a)) / 255, rounded
      const white = 255 * (255 - a) + 127;
      out[k] = ((rgba[j] * a + white) / 255) | 0;
      out[k + 1] = ((rgba[j + 1] * a + white) / 255) | 0;
      out[k + 2] = ((rgba[j + 2] * a + white) / 255) | 0;
    }
  }
  return { width, height, data: out };
}
