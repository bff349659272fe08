/**
 * serve takes every format the commands decode (issue 31, friction 3): one list
 * (lib/image/formats.ts DECODED_FORMATS) for the upload's Content-Type, its header check and the
 * page's file picker.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharpDefault from 'sharp';
import type { SegmentResponse } from '../lib/server/types';
import { loadPage } from '../lib/server/page';
import { RunningServer, startServer } from '../lib/server/server';
import { DECODED_FORMATS } from '../lib/image/formats';
import { testPhotoPng, writeTinyModel } from './fixtures/serve-fixture';

const sharp = ((sharpDefault as unknown as { default?: typeof sharpDefault }).default ?? sharpDefault);
let fixture: ReturnType<typeof writeTinyModel>;
let running: RunningServer;
let base = '';

test.before(async () => {
  fixture = writeTinyModel();
  running = await startServer({ model: fixture.model, port: 0, host: '127.0.0.1', maxUpload: 1 << 20, concurrency: 1, queue: 4, maxPixels: 48 * 36 });
  base = running.url.replace(/\/$/, '');
});
test.after(async () => {
  await running?.close();
  fixture?.cleanup();
});

const segment = (body: Uint8Array, type: string): Promise<Response> =>
  fetch(`${base}/api/segment?samples=3&seed=1`, { method: 'POST', body, headers: { 'Content-Type': type } });

test('WebP (Content-Type image/webp), TIFF, GIF and AVIF are segmented', async () => {
  const png = testPhotoPng(48, 36);
  const bodies: [string, Buffer][] = [
    ['image/webp', await sharp(png).webp({ lossless: true }).toBuffer()],
    ['image/tiff', await sharp(png).tiff({ compression: 'lzw' }).toBuffer()],
    ['image/avif', await sharp(png).avif({ quality: 80 }).toBuffer()],
    ['image/gif', await sharp(png).gif().toBuffer()],
  ];
  for (const [type, body] of bodies) {
    const res = await segment(body, type);
    const text = await res.text();
    assert.is(res.status, 200, `${type}: ${text}`);
    const r = JSON.parse(text) as SegmentResponse;
    assert.equal([r.width, r.height, r.samples], [48, 36, 3], type);
    assert.ok(Number.isFinite(r.summary.meanEntropy), type);
    // the fixed scale (issue 31, friction 12): MI drawn on [0, ln C] for every image, as the page's bar says
    assert.equal(r.ranges.mutualInformation, [0, Number(Math.log(4).toFixed(6))], type); // the response rounds to 6 decimals
  }
});

test('the limits hold for every format: a WebP over --max-pixels is 413 from its header; HEIC is 400 with the reason', async () => {
  const big = await sharp(testPhotoPng(64, 36)).webp({ lossless: true }).toBuffer();
  const res = await segment(big, 'image/webp');
  assert.is(res.status, 413, await res.clone().text());
  assert.match(((await res.json()) as { error: string }).error, /64x36 = 2304 pixels exceeds the limit of 1728/);
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);
  const r = await segment(heic, 'application/octet-stream');
  assert.is(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /HEIC .*not supported/);
});

test('the page\'s file picker accepts the same list, and says it', () => {
  const html = loadPage()('bm9uY2U=');
  assert.ok(html.includes(`accept="${DECODED_FORMATS.map((f) => f.mime).join(',')}"`), 'accept list');
  assert.ok(html.includes('(PNG, JPEG, WebP, TIFF, GIF, AVIF)'));
  assert.not.match(html, /%PHOTO_/);
  assert.is(html.match(/fixed range, the same for every image/g)?.length, 3, 'each colour bar says its range is fixed');
});

test.run();
