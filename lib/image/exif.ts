/**
 * EXIF orientation: where a phone stored its pixels sideways and said so in the Orientation tag
 * (0x0112), browsers and viewers rotate the image for display; the toolkit does the same before
 * preprocessing, so maps, overlays and labels line up with the image as people see it.
 */
import type { RgbImage } from './types';
import { checkImage } from './validate';
import { checkInteger } from '../validate';

/** EXIF Orientation values 1..8 (1 = as stored); see orientImage for each one's transform. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** The Orientation tag of a TIFF structure (the body of a PNG eXIf chunk; sharp reads JPEG's, decode-sharp.ts), or 1. */
export function orientationFromTiff(t: Uint8Array): Orientation {
  if (t.length < 8) return 1;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (at: number): number => (le ? t[at] | (t[at + 1] << 8) : (t[at] << 8) | t[at + 1]);
  const u32 = (at: number): number => (le ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2));
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > t.length) return 1;
    if (u16(e) !== 0x0112) continue;
    const type = u16(e + 2);
    const v = type === 3 ? u16(e + 8) : type === 4 ? u32(e + 8) : 0; // SHORT as written; LONG seen in the wild
    return v >= 1 && v <= 8 ? (v as Orientation) : 1;
  }
  return 1;
}

/** The EXIF Orientation of a PNG's eXIf chunk, or 1 (chunks are walked up to IEND or the end). */
export function pngOrientation(bytes: Uint8Array): Orientation {
  let pos = 8;
  while (pos + 8 <= bytes.length) {
    const length = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (type === 'eXIf') return orientationFromTiff(bytes.subarray(pos + 8, Math.min(bytes.length, pos + 8 + length)));
    if (type === 'IEND') break;
    pos += 12 + length;
  }
  return 1;
}

/**
 * The image as displayed for an EXIF orientation. With the stored image W x H, output pixel
 * (x, y) comes from stored pixel:
 * 1 (x, y) · 2 mirrored (W-1-x, y) · 3 rotated 180 (W-1-x, H-1-y) · 4 flipped (x, H-1-y) ·
 * 5 transposed (y, x) · 6 rotated 90 clockwise (y, H-1-x) · 7 transversed (W-1-y, H-1-x) ·
 * 8 rotated 90 anticlockwise (W-1-y, x); 5 to 8 swap width and height.
 */
export function orientImage(img: RgbImage, orientation: Orientation): RgbImage {
  checkImage('img', img, 3);
  if (orientation === 1) return img;
  checkInteger('orientation', orientation, 1, 8);
  const { width: W, height: H, data } = img;
  const swap = orientation >= 5;
  const outW = swap ? H : W;
  const outH = swap ? W : H;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = W - 1 - x; sy = y; break;
        case 3: sx = W - 1 - x; sy = H - 1 - y; break;
        case 4: sx = x; sy = H - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = H - 1 - x; break;
        case 7: sx = W - 1 - y; sy = H - 1 - x; break;
        default: sx = W - 1 - y; sy = x; break; // 8
      }
      const s = (sy * W + sx) * 3;
      const o = (y * outW + x) * 3;
      out[o] = data[s];
      out[o + 1] = data[s + 1];
      out[o + 2] = data[s + 2];
    }
  }
  return { width: outW, height: outH, data: out };
}
