/**
 * Where a PNG or JPEG ends, with the structural faults named before a decoder sees the data.
 * pngjs reports a bad CRC or IHDR as "unrecognised content at end of stream" and jpeg-js a
 * header without image data as "Cannot read properties of undefined" (issue 20), so:
 * - PNG: the chunks are walked; the first must be a valid IHDR, every CRC must match, and the
 *   stream must reach IEND.
 * - JPEG: the marker segments are walked to the first start-of-scan, then the scan data to the
 *   end-of-image marker (inside scan data 0xFF is always stuffed, so the first 0xFFD9 is the end).
 * The rule for both formats: bytes after the end (IEND's CRC, EOI) are ignored, as browsers
 * and libpng/libjpeg do; callers decode `bytes.subarray(0, end)`.
 */
import * as zlib from 'zlib';
import { ImageError } from './errors';
import { listPngChunks } from './png-chunks';

let table: Uint32Array | null = null;

/** CRC-32 as PNG defines it: zlib.crc32 where Node has it (20.15+), else the table method. */
function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(bytes) >>> 0;
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Valid bit depths per PNG colour type. */
const DEPTHS: Record<number, { name: string; depths: number[] }> = {
  0: { name: 'grayscale', depths: [1, 2, 4, 8, 16] },
  2: { name: 'RGB', depths: [8, 16] },
  3: { name: 'palette', depths: [1, 2, 4, 8] },
  4: { name: 'grayscale+alpha', depths: [8, 16] },
  6: { name: 'RGBA', depths: [8, 16] },
};

const u32 = (b: Uint8Array, at: number): number => ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

function checkIhdr(b: Uint8Array, at: number, length: number, file?: string): void {
  const bad = (why: string): ImageError => new ImageError(file, `corrupt PNG header (IHDR): ${why}`);
  if (length !== 13) throw bad(`${length} bytes long, not 13`);
  const width = u32(b, at), height = u32(b, at + 4);
  const depth = b[at + 8], colour = b[at + 9];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) throw bad(`size ${width}x${height}`);
  const kind = DEPTHS[colour];
  if (!kind) throw bad(`colour type ${colour} does not exist (0, 2, 3, 4 or 6)`);
  if (!kind.depths.includes(depth)) throw bad(`bit depth ${depth} is not valid for colour type ${colour} (${kind.name}: ${kind.depths.join(', ')})`);
  if (b[at + 10] !== 0) throw bad(`compression method ${b[at + 10]} (only 0 exists)`);
  if (b[at + 11] !== 0) throw bad(`filter method ${b[at + 11]} (only 0 exists)`);
  if (b[at + 12] > 1) throw bad(`interlace method ${b[at + 12]} (0 or 1)`);
}

/** Offset just past IEND's CRC; throws ImageError naming the first structural fault. */
export function pngEnd(bytes: Uint8Array, file?: string): number {
  const chunks = listPngChunks(bytes, file);
  if (chunks.length === 0 || chunks[0].type !== 'IHDR') {
    throw new ImageError(file, `corrupt PNG: the first chunk is ${chunks.length ? `'${chunks[0].type}'` : 'missing'}, not IHDR`);
  }
  for (const c of chunks) {
    const stored = u32(bytes, c.dataOffset + c.length);
    const computed = crc32(bytes.subarray(c.offset + 4, c.dataOffset + c.length));
    if (stored !== computed) {
      throw new ImageError(file, `corrupt PNG data (CRC mismatch in the ${c.type} chunk at byte ${c.offset}: stored ${hex(stored)}, computed ${hex(computed)})`);
    }
  }
  checkIhdr(bytes, chunks[0].dataOffset, chunks[0].length, file);
  const last = chunks[chunks.length - 1];
  if (last.type !== 'IEND') throw new ImageError(file, 'truncated PNG data (no IEND chunk)');
  if (!chunks.some((c) => c.type === 'IDAT')) throw new ImageError(file, 'PNG has no image data (no IDAT chunk)');
  return last.dataOffset + last.length + 4;
}

/** Offset just past the EOI marker; throws ImageError for a JPEG without scan data or without an end. */
export function jpegEnd(bytes: Uint8Array, file?: string): number {
  const n = bytes.length;
  let pos = 2;
  for (;;) {
    while (pos < n && bytes[pos] === 0xff && bytes[pos + 1] === 0xff) pos++; // fill bytes
    const noScan = (): ImageError => new ImageError(file, 'JPEG has no image data (its header ends without a start-of-scan marker)');
    if (pos + 2 > n) throw noScan();
    if (bytes[pos] !== 0xff) throw new ImageError(file, `corrupt JPEG header (expected a marker at byte ${pos})`);
    const marker = bytes[pos + 1];
    if (marker === 0xd9) throw new ImageError(file, 'JPEG has no image data (end-of-image before any start-of-scan marker)');
    if (pos + 4 > n) throw new ImageError(file, 'truncated JPEG data (cut off inside its header)');
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (length < 2) throw new ImageError(file, `corrupt JPEG header (segment 0xFF${marker.toString(16).toUpperCase()} of length ${length})`);
    pos += 2 + length;
    if (pos > n) throw new ImageError(file, 'truncated JPEG data (cut off inside its header)');
    if (marker === 0xda) break;
  }
  for (let i = pos; i + 1 < n; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return i + 2;
  }
  throw new ImageError(file, 'truncated JPEG data (no end-of-image marker)');
}
