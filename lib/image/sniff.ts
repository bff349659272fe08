/**
 * Format detection and header reading by magic bytes (file extensions are never trusted).
 * Dimensions come from the PNG IHDR chunk or the JPEG SOFn segment, without decoding pixels.
 */
import type { ImageFormat, ImageHeader } from './types';
import { ImageError } from './errors';
import { checkBytes } from './validate';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** 'png' or 'jpeg' from the first bytes, null for anything else (including too few bytes). */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  checkBytes('bytes', bytes);
  if (bytes.length >= 8) {
    let png = true;
    for (let i = 0; i < 8; i++) if (bytes[i] !== PNG_SIGNATURE[i]) png = false;
    if (png) return 'png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Format and declared size of an image. Throws ImageError for an empty file, an unknown format or a
 * header cut short. The size is what the file declares: it may be 0 (callers refuse that).
 * @param file only used in error messages
 */
export function readImageHeader(bytes: Uint8Array, file?: string): ImageHeader {
  checkBytes('bytes', bytes);
  if (bytes.length === 0) throw new ImageError(file, 'empty file (0 bytes)');
  const format = sniffImageFormat(bytes);
  if (format === 'png') return readPngHeader(bytes, file);
  if (format === 'jpeg') return readJpegHeader(bytes, file);
  throw new ImageError(file, 'not a PNG or JPEG file (unknown magic bytes)');
}

function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

function readPngHeader(bytes: Uint8Array, file: string | undefined): ImageHeader {
  // signature (8), IHDR length (4), type (4), width (4), height (4)
  if (bytes.length < 24) throw new ImageError(file, 'truncated PNG header (IHDR missing)');
  const type = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (type !== 'IHDR') throw new ImageError(file, `corrupt PNG: first chunk is '${type}', expected 'IHDR'`);
  const width = uint32(bytes, 16);
  const height = uint32(bytes, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) {
    throw new ImageError(file, `corrupt PNG: IHDR declares ${width}x${height} (over 2^31-1)`);
  }
  return { format: 'png', width, height };
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegHeader(bytes: Uint8Array, file: string | undefined): ImageHeader {
  const n = bytes.length;
  const truncated = (): ImageError => new ImageError(file, 'truncated JPEG header (no frame header before the end)');
  let pos = 2;
  for (;;) {
    if (pos >= n) throw truncated();
    if (bytes[pos] !== 0xff) throw new ImageError(file, `corrupt JPEG: expected a marker at offset ${pos}`);
    while (pos < n && bytes[pos] === 0xff) pos++; // fill bytes
    if (pos >= n) throw truncated();
    const marker = bytes[pos++];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9) throw new ImageError(file, 'corrupt JPEG: end of image before a frame header');
    if (marker === 0xda) throw new ImageError(file, 'corrupt JPEG: scan data before a frame header');
    if (pos + 2 > n) throw truncated();
    const length = (bytes[pos] << 8) | bytes[pos + 1];
    if (length < 2) throw new ImageError(file, `corrupt JPEG: segment length ${length} at offset ${pos}`);
    if (isStartOfFrame(marker)) {
      // length (2), precision (1), height (2), width (2)
      if (pos + 7 > n) throw truncated();
      const height = (bytes[pos + 3] << 8) | bytes[pos + 4];
      const width = (bytes[pos + 5] << 8) | bytes[pos + 6];
      return { format: 'jpeg', width, height };
    }
    pos += length;
  }
}
