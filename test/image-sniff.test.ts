import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImageError } from '../lib/image/errors';
import { readImageHeader, sniffImageFormat } from '../lib/image/sniff';
import { throwsError } from './fixtures/throws';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.alloc(width * height * 4, 200);
  return PNG.sync.write(png);
}

function jpegOf(width: number, height: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ width, height, data: new Uint8Array(width * height * 4).fill(90) }, 80).data);
}

/** an IHDR-only PNG declaring any size (no pixel data) */
function headerOnlyPng(width: number, height: number): Buffer {
  const body = Buffer.alloc(17);
  body.write('IHDR', 0, 'latin1');
  body.writeUInt32BE(width, 4);
  body.writeUInt32BE(height, 8);
  body[12] = 8;
  body[13] = 2;
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  body.copy(ihdr, 4);
  ihdr.writeUInt32BE(zlib.crc32(body), 21);
  return Buffer.concat([Buffer.from(SIGNATURE), ihdr]);
}

function throwsImageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ImageError && pattern.test(e.reason));
}

test('sniffImageFormat: magic bytes, not extensions', () => {
  assert.is(sniffImageFormat(pngOf(1, 1)), 'png');
  assert.is(sniffImageFormat(jpegOf(8, 8)), 'jpeg');
  assert.is(sniffImageFormat(Buffer.from('GIF89a\x01\x00\x01\x00')), null);
  assert.is(sniffImageFormat(new Uint8Array(0)), null);
  assert.is(sniffImageFormat(Uint8Array.from(SIGNATURE.slice(0, 7))), null);
  assert.is(sniffImageFormat(Uint8Array.from([0xff, 0xd8])), null);
  throwsError(() => sniffImageFormat('a.png' as unknown as Uint8Array), TypeError, /^bytes must be a Uint8Array or Buffer, got string$/);
});

test('readImageHeader: PNG IHDR and JPEG SOF sizes without decoding', () => {
  assert.equal(readImageHeader(pngOf(7, 5)), { format: 'png', width: 7, height: 5 });
  assert.equal(readImageHeader(jpegOf(9, 4)), { format: 'jpeg', width: 9, height: 4 });
  assert.equal(readImageHeader(headerOnlyPng(100000, 100000)), { format: 'png', width: 100000, height: 100000 });
});

test('readImageHeader: JPEG marker walk (APPn segments, fill bytes, progressive SOF2)', () => {
  const base = jpegOf(12, 3);
  const extra = Uint8Array.from([0xff, 0xff, 0xe1, 0x00, 0x05, 1, 2, 3]);
  const withApp = new Uint8Array(base.length + extra.length);
  withApp.set(base.subarray(0, 2), 0);
  withApp.set(extra, 2);
  withApp.set(base.subarray(2), 2 + extra.length);
  assert.equal(readImageHeader(withApp), { format: 'jpeg', width: 12, height: 3 });
  const sof2 = Uint8Array.from([0xff, 0xd8, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  assert.equal(readImageHeader(sof2), { format: 'jpeg', width: 32, height: 16 });
  const dht = Uint8Array.from([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x02, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x03]);
  assert.equal(readImageHeader(dht), { format: 'jpeg', width: 3, height: 2 }); // C4 is DHT, not a frame
});

test('readImageHeader: EXPECTED FAILURE', () => {
  throwsImageError(() => readImageHeader(new Uint8Array(0)), /empty file/);
  throwsImageError(() => readImageHeader(Buffer.from('hello world, not an image')), /not a PNG or JPEG/);
  throwsImageError(() => readImageHeader(pngOf(3, 3).subarray(0, 20)), /truncated PNG header/);
  const notIhdr = Buffer.from(pngOf(3, 3));
  notIhdr.write('IDAT', 12, 'latin1');
  throwsImageError(() => readImageHeader(notIhdr), /first chunk is 'IDAT'/);
  throwsImageError(() => readImageHeader(headerOnlyPng(0x80000000, 1)), /over 2\^31-1/);
  throwsImageError(() => readImageHeader(jpegOf(8, 8).subarray(0, 12)), /truncated JPEG header/);
  throwsImageError(() => readImageHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02])), /scan data before a frame header/);
  throwsImageError(() => readImageHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0x12])), /expected a marker at offset 6/);
  assert.throws(() => readImageHeader(new Uint8Array(0), 'empty.jpg'), (e: unknown) => e instanceof ImageError && e.file === 'empty.jpg' && e.message === 'empty.jpg: empty file (0 bytes)');
});

test.run();
