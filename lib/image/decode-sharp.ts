/**
 * JPEG, WebP, TIFF, GIF (first frame) and AVIF through sharp (prebuilt libvips from the npm registry,
 * no system library). The pixel limit is checked from the header (sharp's metadata) before any
 * pixel is decoded, and passed on to libvips as `limitInputPixels` as well.
 */
import type { RgbImage } from './types';
import { ImageError } from './errors';
import type { Orientation } from './exif';
import type { PhotoFormat } from './formats';

// the package's `types` are its ESM typings (a default export); require() gives the function itself
type Sharp = typeof import('sharp').default;
let loaded: Sharp | null = null;

/** sharp, loaded on first use: PNG/JPEG-only runs never pay for libvips. */
export function sharpModule(file: string | undefined): Sharp {
  if (loaded) return loaded;
  try {
    const mod = require('sharp') as Sharp & { default?: Sharp }; // eslint-disable-line @typescript-eslint/no-require-imports
    loaded = mod.default ?? mod;
  } catch (err) {
    throw new ImageError(file, `decoding this format needs sharp, which failed to load (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  return loaded;
}

/** The first line of a libvips message, without the repeated "source: bad seek" noise. */
function vipsCause(err: unknown): string {
  const lines = String(err instanceof Error ? err.message : err).split('\n').map((l) => l.trim()).filter(Boolean);
  const useful = lines.filter((l) => !/^source: bad seek/.test(l));
  return (useful[useful.length - 1] ?? lines[0] ?? 'unknown error').slice(0, 300);
}

export interface SharpDecoded {
  readonly image: RgbImage;
  /** the EXIF orientation sharp found and applied (1 when none) */
  readonly orientation: Orientation;
}

/**
 * Decodes the first frame to 8-bit sRGB with alpha composited over white (as PNGs are),
 * applying the EXIF orientation.
 */
/** The size sharp reads from a file's header (first frame), without decoding pixels. */
export async function sharpHeader(bytes: Uint8Array, format: PhotoFormat, file: string | undefined)
  : Promise<{ width: number; height: number; meta: { orientation?: number } }> {
  const sharp = sharpModule(file);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta;
  try {
    meta = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (err) {
    throw new ImageError(file, `truncated or corrupt ${format.toUpperCase()} data (${vipsCause(err)})`, { cause: err });
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width === 0 || height === 0) throw new ImageError(file, `${format.toUpperCase()} declares an empty image (${width}x${height})`);
  return { width, height, meta };
}

export async function decodeWithSharp(bytes: Uint8Array, format: PhotoFormat, file: string | undefined, maxPixels: number): Promise<SharpDecoded> {
  const sharp = sharpModule(file);
  const name = format.toUpperCase();
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { width, height, meta } = await sharpHeader(bytes, format, file);
  if (width * height > maxPixels) {
    throw new ImageError(file, `image too large: ${width}x${height} = ${width * height} pixels exceeds maxPixels ${maxPixels}`);
  }
  const orientation = (meta.orientation !== undefined && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1) as Orientation;
  let out;
  try {
    out = await sharp(input, { limitInputPixels: maxPixels, pages: 1, page: 0 })
      .autoOrient()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageError(file, `truncated or corrupt ${name} data (${vipsCause(err)})`, { cause: err });
  }
  const { info, data } = out;
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new ImageError(file, `${name} decoded to ${info.channels} channels of ${info.width}x${info.height}, expected RGB`);
  }
  return { image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, orientation };
}
