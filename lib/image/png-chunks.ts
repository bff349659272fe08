/**
 * A minimal PNG chunk walker: the palette (PLTE) that pngjs expands away, and chunk removal.
 * CRCs are left to pngjs, which checks them when it decodes.
 */
import { ImageError } from './errors';

/** One chunk: its 4-letter type, and where its data starts and how long it is. */
export interface PngChunk {
  readonly type: string;
  /** offset of the chunk's first byte (the length field) */
  readonly offset: number;
  /** offset of the data */
  readonly dataOffset: number;
  readonly length: number;
}

/** All chunks in file order up to and including IEND; throws ImageError if one runs past the end. */
export function listPngChunks(bytes: Uint8Array, file?: string): PngChunk[] {
  const chunks: PngChunk[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) throw new ImageError(file, 'truncated PNG data (chunk header cut short)');
    const length = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    if (pos + 12 + length > bytes.length) throw new ImageError(file, `truncated PNG data (${type} chunk cut short)`);
    chunks.push({ type, offset: pos, dataOffset: pos + 8, length });
    pos += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** The PLTE entries as [r0, g0, b0, r1, ...], or null when the file has no palette. */
export function readPngPalette(bytes: Uint8Array, file?: string): Uint8Array | null {
  const chunks = listPngChunks(bytes, file);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (c.type !== 'PLTE') continue;
    if (c.length % 3 !== 0 || c.length === 0 || c.length > 768) {
      throw new ImageError(file, `corrupt PNG: PLTE chunk of ${c.length} bytes`);
    }
    return bytes.slice(c.dataOffset, c.dataOffset + c.length);
  }
  return null;
}

/** A copy of the PNG without the chunks of the given type (the same bytes when there are none). */
export function withoutPngChunk(bytes: Uint8Array, type: string, file?: string): Uint8Array {
  const chunks = listPngChunks(bytes, file);
  let drop = 0;
  for (let i = 0; i < chunks.length; i++) if (chunks[i].type === type) drop += chunks[i].length + 12;
  if (drop === 0) return bytes;
  const out = new Uint8Array(bytes.length - drop);
  out.set(bytes.subarray(0, 8), 0);
  let at = 8;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (c.type === type) continue;
    out.set(bytes.subarray(c.offset, c.dataOffset + c.length + 4), at);
    at += c.length + 12;
  }
  return out.subarray(0, at);
}
