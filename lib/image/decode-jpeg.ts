/** jpeg-js behind a wrapper that turns its exceptions into ImageError with a human cause. */
import * as jpeg from 'jpeg-js';
import type { RgbImage } from './types';
import { ImageError } from './errors';
import { jpegEnd } from './stream-end';

/** The cause in words for a jpeg-js exception message. */
function describeJpegFailure(message: string): string {
  if (/maxResolutionInMP|maxMemoryUsageInMB|allocate enough memory/.test(message)) {
    return `JPEG too large to decode (${message})`;
  }
  if (/marker was not found|unexpected end|out of bounds|undefined|null|not a function/i.test(message)) {
    return `truncated or corrupt JPEG data (${message})`;
  }
  if (/unsupported color mode|only single frame/i.test(message)) return `unsupported JPEG (${message})`;
  return `corrupt JPEG data (${message})`;
}

/**
 * Decodes baseline and progressive JPEGs to RGB with jpeg-js: grayscale is replicated to three
 * channels, YCbCr/YCCK/CMYK (Adobe APP14) are converted by jpeg-js. EXIF orientation is not applied.
 * Decoding is strict (`tolerantDecoding: false`), so damaged data throws instead of yielding grey blocks.
 */
export function decodeJpegRgb(bytes: Uint8Array, file: string | undefined, maxPixels: number): RgbImage {
  let decoded: { width: number; height: number; data: Uint8Array };
  const end = jpegEnd(bytes, file); // no scan data or no end named here; bytes after EOI ignored
  try {
    decoded = jpeg.decode(bytes.subarray(0, end), {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: maxPixels / 1e6,
      // coefficient buffers of up to 4 components at 2 bytes per sample, plus the RGB output
      maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 12) / (1024 * 1024))),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ImageError(file, describeJpegFailure(message), { cause: err });
  }
  const { width, height, data } = decoded;
  if (data.length !== width * height * 3) {
    throw new ImageError(file, `corrupt JPEG data (decoded ${data.length} bytes for ${width}x${height})`);
  }
  return { width, height, data };
}
