/**
 * A photo's format and declared size from its header, for every format decodePhoto reads, before
 * any pixel is decoded: what the server checks an upload with (400 for what is no decodable
 * image, 413 above the pixel limit) so that it admits exactly what the commands decode.
 */
import { ImageError } from './errors';
import { DECODED_FORMAT_NAMES, SHARP_FORMATS, sniffPhotoFormat, UNSUPPORTED_REASONS, type PhotoFormat } from './formats';
import { sharpHeader } from './decode-sharp';
import { readImageHeader } from './sniff';
import { checkBytes } from './validate';

export interface PhotoHeader {
  readonly format: PhotoFormat;
  readonly width: number;
  readonly height: number;
}

/** @throws ImageError with decodePhoto's reasons: empty, unknown bytes, a refused format, a header cut short */
export async function readPhotoHeader(bytes: Uint8Array, file?: string): Promise<PhotoHeader> {
  checkBytes('bytes', bytes);
  if (bytes.length === 0) throw new ImageError(file, 'empty file (0 bytes)');
  const format = sniffPhotoFormat(bytes);
  if (format === null) throw new ImageError(file, `not an image file (unknown magic bytes; formats read: ${DECODED_FORMAT_NAMES})`);
  const refused = UNSUPPORTED_REASONS[format];
  if (refused !== undefined) throw new ImageError(file, refused);
  if (format === 'png' || format === 'jpeg') return readImageHeader(bytes, file);
  if (!SHARP_FORMATS.includes(format)) throw new ImageError(file, `${format} is not decoded (formats read: ${DECODED_FORMAT_NAMES})`);
  const { width, height } = await sharpHeader(bytes, format, file);
  return { format, width, height };
}
