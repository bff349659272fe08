/**
 * The one entry point for photos of any format: PNG and JPEG through pngjs / jpeg-js (exact and
 * synchronous, as before), WebP/TIFF/GIF/AVIF through sharp; EXIF orientation applied in every
 * case, so that the image is the right way up before it is resized for the model.
 */
import type { RgbImage } from './types';
import { decodeImage } from './decode-image';
import { DEFAULT_MAX_PIXELS, type DecodeOptions } from './decode-limits';
import { decodeWithSharp } from './decode-sharp';
import { ImageError } from './errors';
import { jpegOrientation, orientImage, pngOrientation, type Orientation } from './exif';
import { SHARP_FORMATS, sniffPhotoFormat, UNSUPPORTED_REASONS, type PhotoFormat } from './formats';
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
  if (bytes.length === 0) throw new ImageError('empty file (0 bytes)', file);
  const format = sniffPhotoFormat(bytes);
  if (format === null) {
    throw new ImageError('not an image file (unknown magic bytes; formats read: PNG, JPEG, WebP, TIFF, GIF, AVIF)', file);
  }
  const refused = UNSUPPORTED_REASONS[format];
  if (refused !== undefined) throw new ImageError(refused, file);
  if (SHARP_FORMATS.includes(format)) {
    const { image, orientation } = await decodeWithSharp(bytes, format, file, maxPixels);
    return { image, format, orientation };
  }
  const stored = decodeImage(bytes, { file, maxPixels });
  const orientation = format === 'jpeg' ? jpegOrientation(bytes) : pngOrientation(bytes);
  return { image: orientImage(stored, orientation), format, orientation };
}
