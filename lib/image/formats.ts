/**
 * Every raster format a photo folder is likely to hold, recognised by content (magic bytes) and
 * by file extension, so that no image is skipped without a word: PNG and JPEG are decoded by
 * pngjs / jpeg-js (decode-image.ts), WebP, TIFF, GIF and AVIF by sharp (decode-sharp.ts), and the
 * rest (HEIC, BMP, ...) are recognised only to be refused with the reason.
 */
import { checkBytes } from './validate';

/** A photo format recognised by its first bytes. */
export type PhotoFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heic' | 'bmp' | 'jxl' | 'svg';

/** Extensions a folder listing takes as images (lower case, with the dot). */
export const PHOTO_EXTENSIONS: readonly string[] = [
  '.png', '.jpg', '.jpeg', '.jpe', '.jfif', '.webp', '.gif', '.tif', '.tiff', '.avif', '.heic', '.heif', '.bmp', '.jxl',
];

/** The formats sharp decodes here (its prebuilt libvips: no HEVC, so no HEIC). */
export const SHARP_FORMATS: readonly PhotoFormat[] = ['webp', 'gif', 'tiff', 'avif'];

/**
 * Every format decoded, with its name and MIME type: the one list that every command, the server's
 * upload check and the page's file picker read, so they cannot disagree.
 */
export const DECODED_FORMATS: readonly { readonly format: PhotoFormat; readonly name: string; readonly mime: string }[] = [
  { format: 'png', name: 'PNG', mime: 'image/png' },
  { format: 'jpeg', name: 'JPEG', mime: 'image/jpeg' },
  { format: 'webp', name: 'WebP', mime: 'image/webp' },
  { format: 'tiff', name: 'TIFF', mime: 'image/tiff' },
  { format: 'gif', name: 'GIF', mime: 'image/gif' },
  { format: 'avif', name: 'AVIF', mime: 'image/avif' },
];

/** 'PNG, JPEG, WebP, TIFF, GIF, AVIF': for messages. */
export const DECODED_FORMAT_NAMES = DECODED_FORMATS.map((f) => f.name).join(', ');

/** Why a recognised format is not decoded, for the errors list. */
export const UNSUPPORTED_REASONS: Readonly<Partial<Record<PhotoFormat, string>>> = {
  heic: 'HEIC (HEVC-coded HEIF) is not supported: the bundled decoder has no HEVC codec; convert it to JPEG or AVIF',
  bmp: 'BMP is not supported; convert it to PNG',
  jxl: 'JPEG XL is not supported; convert it to PNG or JPEG',
  svg: 'SVG is a vector drawing, not a photo: render it to PNG first',
};

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

/** ISO-BMFF (AVIF/HEIC) brands: the major brand and the compatible ones of the leading ftyp box. */
function ftypBrands(bytes: Uint8Array): string[] {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return [];
  const size = ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
  const end = Math.min(size, bytes.length, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

/** The format of an image file from its first bytes (at least 32 are needed for every format), or null. */
export function sniffPhotoFormat(bytes: Uint8Array): PhotoFormat | null {
  checkBytes('bytes', bytes);
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 4) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42 && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 42))) return 'tiff';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0x0a) return 'jxl';
  if (b.length >= 12 && ascii(b, 4, 12) === 'JXL \r\n\x87\n') return 'jxl';
  const brands = ftypBrands(b);
  if (brands.includes('avif') || brands.includes('avis')) return 'avif';
  if (brands.some((x) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(x))) return 'heic';
  if (b.length >= 6 && ascii(b, 0, 2) === 'BM') return 'bmp';
  const head = ascii(b, 0, 256).trimStart();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg';
  return null;
}

/** Whether a file name has one of PHOTO_EXTENSIONS. */
export function hasPhotoExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && PHOTO_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}
