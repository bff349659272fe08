/** The size checks every decode runs on the header before any pixel memory is allocated. */
import type { ImageHeader } from './types';
import { ImageError } from './errors';
import { readImageHeader } from './sniff';
import { checkBytes } from './validate';
import { checkInteger } from '../validate';

/** Options shared by decodeImage and decodeLabel. */
export interface DecodeOptions {
  /** file name for error messages */
  readonly file?: string;
  /** [maxPixels=DEFAULT_MAX_PIXELS] refuse images whose declared width*height is larger (decompression bombs) */
  readonly maxPixels?: number;
}

/**
 * The header, checked: a positive size within `maxPixels`. Throws ImageError otherwise, so that
 * a 100000x100000 IHDR is refused from its 24 header bytes.
 */
export function checkedHeader(bytes: Uint8Array, file: string | undefined, maxPixels: number): ImageHeader {
  checkBytes('bytes', bytes);
  checkInteger('options.maxPixels', maxPixels, 1);
  const header = readImageHeader(bytes, file);
  const { width, height, format } = header;
  if (width === 0 || height === 0) {
    throw new ImageError(file, `${format.toUpperCase()} declares an empty image (${width}x${height})`);
  }
  if (width * height > maxPixels) {
    throw new ImageError(
      file, `image too large: ${width}x${height} = ${width * height} pixels exceeds maxPixels ${maxPixels}`,
    );
  }
  return header;
}
