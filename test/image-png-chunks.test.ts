import * as zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImageError } from '../lib/image/errors';
import { listPngChunks, readPngPalette, withoutPngChunk } from '../lib/image/png-chunks';
import { chunk } from './fixtures/hand-png';

/** a 2x1 palette PNG with tRNS */
function palettePng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 3;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Uint8Array.from([1, 2, 3, 4, 5, 6])),
    chunk('tRNS', Uint8Array.from([0])),
    chunk('IDAT', zlib.deflateSync(Uint8Array.from([0, 1, 0]))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

test('listPngChunks: types and offsets in order', () => {
  const chunks = listPngChunks(palettePng());
  assert.equal(chunks.map((c) => c.type), ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
  assert.equal([chunks[0].offset, chunks[0].dataOffset, chunks[0].length], [8, 16, 13]);
});

test('readPngPalette: PLTE entries, null without one', () => {
  assert.equal(Array.from(readPngPalette(palettePng()) ?? []), [1, 2, 3, 4, 5, 6]);
  const png = new PNG({ width: 1, height: 1 });
  png.data = Buffer.from([1, 2, 3, 255]);
  assert.is(readPngPalette(PNG.sync.write(png)), null);
});

test('withoutPngChunk: drops the chunk, the result still decodes', () => {
  const bytes = palettePng();
  const stripped = withoutPngChunk(bytes, 'tRNS');
  assert.equal(listPngChunks(stripped).map((c) => c.type), ['IHDR', 'PLTE', 'IDAT', 'IEND']);
  assert.is(stripped.length, bytes.length - 13);
  assert.equal(Array.from(PNG.sync.read(Buffer.from(stripped)).data), [4, 5, 6, 255, 1, 2, 3, 255]);
  assert.is(withoutPngChunk(bytes, 'gAMA'), bytes);
});

test('EXPECTED FAILURE: truncated chunk', () => {
  const bytes = palettePng();
  assert.throws(() => listPngChunks(bytes.subarray(0, 40), 'x.png'), (e: unknown) => e instanceof ImageError && e.file === 'x.png' && /truncated PNG data/.test(e.reason));
});

test.run();
