/**
 * The one entry point for photos of any format, EXIF orientation applied in every case so that the
 * image is the right way up before it is resized for the model:
 * - PNG through pngjs (exact 16-bit rounding and alpha over white, as before);
 * - JPEG, WebP, TIFF, GIF, AVIF through sharp. JPEG moved from jpeg-js to sharp deliberately
 *   (bench/RESULTS.md, "Decoding JPEGs"): sharp's pixels are bit-identical to PIL's, which the
 *   training pipeline used (jpeg-js differs by up to 3 levels in half the samples), and it is 4-17x
 *   faster on a CamVid-sized JPEG and 25-48x on a 12-megapixel one (2.6-3.4 s with jpeg-js). jpeg-js stays behind the
 *   synchronous decodeImage. The JPEG header is still read first (checkedHeader) for the pixel limit.
 */
import type { RgbImage } from './types';
import { decodeImage } from './decode-image';
import { DEFAULT_MAX_PIXELS } from '../defaults';
import { checkedHeader, type DecodeOptions } from './decode-limits';
import { decodeWithSharp } from './decode-sharp';
import { ImageError } from './errors';
import { orientImage, pngOrientation, type Orientation } from './exif';
import { DECODED_FORMAT_NAMES, SHARP_FORMATS, sniffPhotoFormat, UNSUPPORTED_REASONS, type PhotoFormat } from './formats';
import { jpegEnd } from './stream-end';
import { checkBytes } from './validate';

export interface DecodedPhoto {
  /** upright 8-bit RGB */
  readonly image: RgbImage;
  readonly format: PhotoFormat;
  /** the EXIF orientation that was applied (1: stored upright, or no tag) */
  readonly orientation: Orientation;
}

/**
 * Decodes a photo (format from its content, never its name) to upright RGB.
 * @throws ImageError naming the cause: not an image, a format refused (HEIC, BMP, ...) with the
 *   reason, over `maxPixels` (from the header, before decoding), truncated or corrupt data
 */
export async function decodePhoto(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const { file, maxPixels = DEFAULT_MAX_PIXELS } = options;
  checkBytes('bytes', bytes);
  if (bytes.length === 0) throw new ImageError(file, 'empty file (0 bytes)');
  const format = sniffPhotoFormat(bytes);
  if (format === null) {
    throw new ImageError(file, `not an image file (unknown magic bytes; formats read: ${DECODED_FORMAT_NAMES})`);
  }
  const refused = UNSUPPORTED_REASONS[format];
  if (refused !== undefined) throw new ImageError(file, refused);
  if (format === 'jpeg') {
    checkedHeader(bytes, file, maxPixels); // the SOF header, its size and the limit, with decodeImage's messages
  }
  if (format === 'jpeg' || SHARP_FORMATS.includes(format)) {
    // JPEG: no scan data or no end named here, bytes after EOI ignored (the rule PNG follows too)
    const data = format === 'jpeg' ? bytes.subarray(0, jpegEnd(bytes, file)) : bytes;
    const { image, orientation } = await decodeWithSharp(data, format, file, maxPixels);
    return { image, format, orientation };
  }
  const stored = decodeImage(bytes, { file, maxPixels });
  const orientation = pngOrientation(bytes);
  return { image: orientImage(stored, orientation), format, orientation };
}
