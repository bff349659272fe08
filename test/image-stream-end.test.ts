/**
 * lib/image/stream-end.ts through the decoders: each bad-input case of issue 20 names its cause,
 * and bytes after the end (PNG IEND, JPEG EOI) are ignored the same way for both formats.
 */
import * as zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage, encodePng } from '../lib/image';
import { decodePhoto } from '../lib/image/decode-photo';
import { buildJpeg } from './fixtures/report-inputs';

const png = encodePng({ width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i * 7) });
const jpg = buildJpeg(16, 12);

/** The message of both decoders (they must agree), or 'OK WxH'. */
async function outcome(bytes: Uint8Array): Promise<string> {
  const sync = ((): string => {
    try {
      const i = decodeImage(bytes, { file: 'x' });
      return `OK ${i.width}x${i.height}`;
    } catch (err) {
      return (err as Error).message;
    }
  })();
  const photo = await decodePhoto(bytes, { file: 'x' }).then((p) => `OK ${p.image.width}x${p.image.height}`, (err: Error) => err.message);
  assert.is(photo, sync, 'decodePhoto and decodeImage agree');
  return sync;
}

const withIhdrCrc = (b: Buffer): Buffer => {
  b.writeUInt32BE(zlib.crc32(b.subarray(12, 29)) >>> 0, 29);
  return b;
};

test('a bad CRC names the chunk (was "unrecognised content at end of stream")', async () => {
  const b = Buffer.from(png);
  b[29] ^= 0xff;
  assert.match(await outcome(b), /^x: corrupt PNG data \(CRC mismatch in the IHDR chunk at byte 8: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/);
  const idat = Buffer.from(png);
  idat[idat.indexOf('IDAT') + 6] ^= 0x55;
  assert.match(await outcome(idat), /CRC mismatch in the IDAT chunk/);
});

test('a bad IHDR (CRC intact) names the field', async () => {
  const depth = Buffer.from(png);
  depth[24] = 3;
  assert.match(await outcome(withIhdrCrc(depth)), /^x: corrupt PNG header \(IHDR\): bit depth 3 is not valid for colour type 2 \(RGB: 8, 16\)$/);
  const colour = Buffer.from(png);
  colour[25] = 5;
  assert.match(await outcome(withIhdrCrc(colour)), /colour type 5 does not exist/);
  const interlace = Buffer.from(png);
  interlace[28] = 2;
  assert.match(await outcome(withIhdrCrc(interlace)), /interlace method 2/);
});

test('bytes after the end are ignored for both formats, and decode the same', async () => {
  const junk = Buffer.from('trailing bytes \xff\xd9 more');
  assert.is(await outcome(Buffer.concat([png, junk])), 'OK 4x3');
  assert.is(await outcome(Buffer.concat([jpg, junk])), 'OK 16x12');
  assert.equal(decodeImage(Buffer.concat([png, junk])).data, decodeImage(png).data);
  assert.equal((await decodePhoto(Buffer.concat([jpg, junk]))).image.data, (await decodePhoto(jpg)).image.data);
});

test('a JPEG header without image data, and a JPEG without its end, say so', async () => {
  const sos = jpg.indexOf(Buffer.from([0xff, 0xda]));
  assert.is(await outcome(Buffer.concat([jpg.subarray(0, sos), Buffer.from([0xff, 0xd9])])),
    'x: JPEG has no image data (end-of-image before any start-of-scan marker)');
  assert.is(await outcome(jpg.subarray(0, sos)), 'x: JPEG has no image data (its header ends without a start-of-scan marker)');
  assert.is(await outcome(jpg.subarray(0, jpg.length - 2)), 'x: truncated JPEG data (no end-of-image marker)');
});

test('a PNG cut before IEND is truncated; one without IDAT has no image data', async () => {
  const iend = png.indexOf('IEND') - 4;
  assert.is(await outcome(png.subarray(0, iend)), 'x: truncated PNG data (no IEND chunk)');
  const idatAt = png.indexOf('IDAT') - 4;
  const idatLen = png.readUInt32BE(idatAt);
  const noIdat = Buffer.concat([png.subarray(0, idatAt), png.subarray(idatAt + 12 + idatLen)]);
  assert.is(await outcome(noIdat), 'x: PNG has no image data (no IDAT chunk)');
});

test.run();
