/** pngjs behind a wrapper that turns its exceptions into ImageError with a human cause. */
import { PNG, type PNGWithMetadata } from 'pngjs';
import { ImageError } from './errors';
import { pngEnd } from './stream-end';

/** A decoded PNG as pngjs gives it: RGBA, 8-bit (or raw samples when `skipRescale`). */
export type DecodedPng = PNGWithMetadata;

/** The cause in words for a pngjs exception message. */
function describePngFailure(message: string): string {
  if (/crc/i.test(message)) return 'corrupt PNG data (CRC mismatch)';
  if (/unexpected end|read requests waiting|finished stream|unexpected eof|too short|incomplete/i.test(message)) {
    return 'truncated PNG data';
  }
  // pngjs' inflate stops at the size the header allows, with zlib's internal words for it
  if (/have should not go down|Cannot create a Buffer larger|buffer too large/i.test(message)) {
    return 'the compressed image data inflates to more than its declared size holds: refused by the inflate limit (a decompression bomb?)';
  }
  if (/inflate|zlib|invalid (stored|distance|code|block)|incorrect header check/i.test(message)) {
    return `corrupt PNG data (bad compressed stream: ${message})`;
  }
  return `corrupt PNG data (${message})`;
}

/**
 * Decodes with pngjs `PNG.sync.read` (all bit depths, colour types and interlacing), into RGBA.
 * @param skipRescale [false] keep raw samples (16-bit data then comes as a Uint16Array)
 */
export function readPng(bytes: Uint8Array, file: string | undefined, skipRescale = false): DecodedPng {
  // structural faults named first (pngjs calls them all 'unrecognised content'); bytes after IEND ignored
  const end = pngEnd(bytes, file);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  let png: DecodedPng;
  try {
    png = PNG.sync.read(buffer, { skipRescale });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ImageError(file, describePngFailure(message), { cause: err });
  }
  if (png.data.length !== png.width * png.height * 4) {
    throw new ImageError(file, `corrupt PNG data (decoded ${png.data.length} samples for ${png.width}x${png.height})`);
  }
  return png;
}
