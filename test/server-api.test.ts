/** `segnet-uq serve` over a real socket on 127.0.0.1 (port 0) with a tiny model. */
import * as http from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PixelResponse, SegmentResponse } from '../lib/server/types';
import { Segmenter } from '../lib/engine/segmenter';
import { ClientGoneError } from '../lib/server/http-error';
import { runSegmentJob } from '../lib/server/segment-job';
import { RunningServer, startServer } from '../lib/server/server';
import { buildJpeg } from './fixtures/report-inputs';
import { testPhotoPng, TINY_CLASSES, writeTinyModel } from './fixtures/serve-fixture';

const MAX_UPLOAD = 64 * 1024;
let fixture: ReturnType<typeof writeTinyModel>;
let running: RunningServer;
let base = '';
const photo = testPhotoPng(48, 36);

test.before(async () => {
  fixture = writeTinyModel();
  running = await startServer({ model: fixture.model, port: 0, host: '127.0.0.1', maxUpload: MAX_UPLOAD, concurrency: 1, queue: 1, maxUploads: 3 });
  base = running.url.replace(/\/$/, '');
});

test.after(async () => {
  await running?.close();
  fixture?.cleanup();
});

async function segment(body: Uint8Array | string, query = 'samples=5&seed=3', type = 'image/png'): Promise<Response> {
  return fetch(`${base}/api/segment?${query}`, { method: 'POST', body, headers: { 'Content-Type': type } });
}

async function errorOf(res: Response, status: number): Promise<string> {
  assert.is(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await res.json()) as { error?: unknown };
  assert.type(body.error, 'string');
  return body.error as string;
}

/** Sends headers and part of a body, then stalls: holds an upload place until destroyed (or cut for its rate). */
function stalledUpload(): Promise<http.ClientRequest> {
  return new Promise((resolve) => {
    const req = http.request(`${base}/api/segment?samples=1`, { method: 'POST', headers: { 'Content-Type': 'image/png', 'Content-Length': '1000' } });
    req.on('error', () => undefined);
    req.write(photo.subarray(0, 100), () => resolve(req));
  });
}

async function waitForUploads(n: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (running.app.uploads.inFlight === n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.unreachable(`uploads in flight never reached ${n}`);
}

test('GET /healthz', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.is(res.status, 200);
  const body = (await res.json()) as { ok: boolean; model: string };
  assert.is(body.ok, true);
  assert.is(body.model, 'tiny-segnet-mini');
  assert.is(res.headers.get('x-content-type-options'), 'nosniff');
});

test('GET /api/model returns the card', async () => {
  const body = (await (await fetch(`${base}/api/model`)).json()) as { card: { name: string; classes: { name: string }[] }; deterministic: boolean; limits: { maxSamples: number } };
  assert.is(body.card.name, 'tiny-segnet-mini');
  assert.equal(body.card.classes.map((c) => c.name), TINY_CLASSES.map((c) => c.name));
  assert.is(body.deterministic, false);
  assert.is(body.limits.maxSamples, 50);
});

test('GET / serves the page with a CSP and no remote resources', async () => {
  const res = await fetch(`${base}/`);
  assert.is(res.status, 200);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  const html = await res.text();
  assert.not.match(html, /(src|href)="(https?:)?\/\//);
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce && html.includes(`<script type="module" nonce="${nonce}">`), 'the script carries the nonce');
  assert.ok(csp.includes(`style-src 'nonce-${nonce}'`) && html.includes(`<style nonce="${nonce}">`), 'the style carries the same nonce');
  assert.equal(html.match(/<script\b[^>]*>/g), [`<script type="module" nonce="${nonce}">`], 'one script, inline');
  assert.not.match(html, /<link rel="stylesheet"|<script[^>]* src=/, 'the stylesheet and the script are inline, not fetched');
  assert.match(html, /fetch\('\/api\/model'\)/, 'the built client is in the page');
  const again = await (await fetch(`${base}/`)).text();
  assert.is.not(/nonce="([^"]+)"/.exec(again)?.[1], nonce, 'a fresh nonce per request');
});

test('POST /api/segment: summary, maps, pixel, per-image JSON and download', async () => {
  const res = await segment(photo);
  assert.is(res.status, 200);
  const r = (await res.json()) as SegmentResponse;
  assert.match(r.id, /^[A-Za-z0-9_-]{22}$/);
  assert.is(r.width, 48);
  assert.is(r.height, 36);
  assert.is(r.samples, 5);
  assert.is(r.seed, 3);
  assert.ok(r.ms >= 0 && r.timings.sampleMs >= 0);
  assert.ok(r.summary.meanEntropy > 0 && r.summary.meanEntropy <= Math.log(4) + 1e-6);
  assert.ok(r.summary.meanMutualInformation > 0, 'dropout p=0.5 gives some mutual information');
  assert.ok(r.summary.meanConfidence > 0.25 && r.summary.meanConfidence <= 1);
  assert.is(r.classFractions.length, 4);
  assert.ok(Math.abs(r.classFractions.reduce((a, b) => a + b, 0) - 1) < 1e-4);

  for (const link of [r.links.classMap, r.links.entropy, r.links.mutualInformation, r.links.variance, r.links.overlay]) {
    const png = await fetch(base + link);
    assert.is(png.status, 200, link);
    assert.is(png.headers.get('content-type'), 'image/png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    assert.equal(Array.from(bytes.subarray(1, 4)), [0x50, 0x4e, 0x47]);
    // IHDR width/height = the display size (the photo's: it is under 960 px)
    assert.is((bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19], 48);
  }

  const p = (await (await fetch(`${base}${r.links.pixel}?x=10&y=20`)).json()) as PixelResponse;
  assert.is(p.x, 10);
  assert.is(p.probabilities.length, 4);
  assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  assert.is(p.className, TINY_CLASSES[p.predicted].name);
  assert.ok(p.entropy >= 0 && p.mutualInformation >= 0 && p.variance >= 0);
  assert.match(await errorOf(await fetch(`${base}${r.links.pixel}?x=48&y=0`), 400), /^query 'x' must be a number in \[0, 48\), got '48'$/);
  assert.match(await errorOf(await fetch(`${base}${r.links.pixel}?x=1`), 400), /^query 'y' must be a number in \[0, \d+\), got ''$/);

  const again = (await (await fetch(base + r.links.json)).json()) as SegmentResponse;
  assert.equal(again, r);

  const tar = Buffer.from(await (await fetch(base + r.links.download)).arrayBuffer());
  assert.is(tar.subarray(0, 100).toString().replace(/\0+$/, ''), `segnet-uq-${r.id}/result.json`);
  assert.is(tar.subarray(257, 262).toString(), 'ustar');
  assert.ok(tar.includes(`segnet-uq-${r.id}/entropy.png`));
});

test('a JPEG sent as application/octet-stream is sniffed and segmented', async () => {
  const res = await segment(buildJpeg(40, 30, 4), 'samples=2', 'application/octet-stream');
  assert.is(res.status, 200);
  const r = (await res.json()) as SegmentResponse;
  assert.equal([r.width, r.height, r.samples], [40, 30, 2]);
});

test('same image, samples and seed: same numbers', async () => {
  const a = (await (await segment(photo, 'samples=4&seed=9')).json()) as SegmentResponse;
  const b = (await (await segment(photo, 'samples=4&seed=9')).json()) as SegmentResponse;
  assert.equal(a.summary, b.summary);
  assert.is.not(a.id, b.id);
});

test('samples=auto: the N the image converged at (16..50, a multiple of 8 or 50), the same N and numbers again', async () => {
  const a = (await (await segment(photo, 'samples=auto&seed=9')).json()) as SegmentResponse;
  const b = (await (await segment(photo, 'samples=auto&seed=9')).json()) as SegmentResponse;
  assert.ok([16, 24, 32, 40, 48, 50].includes(a.samples), `N=${a.samples}`);
  assert.is(b.samples, a.samples);
  assert.equal(a.summary, b.summary);
});

test('samples=analytic: one moment-propagation pass (samples 1), uncertainty maps with MI, the same numbers again', async () => {
  const a = (await (await segment(photo, 'samples=analytic&seed=9')).json()) as SegmentResponse;
  const b = (await (await segment(photo, 'samples=analytic&seed=9')).json()) as SegmentResponse;
  assert.is(a.samples, 1);
  assert.ok(a.summary.meanMutualInformation > 0, JSON.stringify(a.summary));
  assert.equal(a.summary, b.summary);
});

test('bad bytes -> 400 JSON; wrong content type -> 415; bad query -> 400', async () => {
  assert.match(await errorOf(await segment('definitely not an image'), 400), /not an image file \(unknown magic bytes; formats read: PNG, JPEG, WebP, TIFF, GIF, AVIF\)/);
  assert.match(await errorOf(await segment(new Uint8Array(0)), 400), /empty body/);
  const cut = photo.subarray(0, 200);
  assert.match(await errorOf(await segment(cut), 400), /upload/);
  assert.match(await errorOf(await segment(photo, '', 'text/plain'), 415), /Content-Type image\/png/);
  assert.match(await errorOf(await segment(photo, 'samples=51'), 400), /^query 'samples' must be an integer in 1\.\.50, got '51'$/);
  assert.match(await errorOf(await segment(photo, 'samples=2.5'), 400), /^query 'samples' must be an integer in 1\.\.50, got '2\.5'$/);
  assert.match(await errorOf(await segment(photo, 'seed=-1'), 400), /^query 'seed' must be an integer in 0\.\.4294967295, got '-1'$/);
  assert.match(await errorOf(await segment(photo, 'job=../../etc'), 400), /'job'/);
});

test('oversize -> 413 JSON (declared length, streamed body, pixel limit)', async () => {
  const big = Buffer.concat([photo, Buffer.alloc(MAX_UPLOAD)]);
  assert.match(await errorOf(await segment(big), 413), /upload too large.*64 KiB/);
  // no Content-Length: the limit is counted on the bytes that arrive
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(8192));
      controller.close();
    },
  });
  const res = await fetch(`${base}/api/segment`, { method: 'POST', body: stream, headers: { 'Content-Type': 'image/png' }, duplex: 'half' } as RequestInit);
  assert.match(await errorOf(res, 413), /upload too large/);
  // a PNG header declaring 100000 x 100000 pixels
  const bomb = Buffer.from(photo.subarray(0, 33));
  bomb.writeUInt32BE(100000, 16);
  bomb.writeUInt32BE(100000, 20);
  assert.match(await errorOf(await segment(bomb), 413), /image too large: 100000x100000/);
});

test('unknown paths, methods and ids: 404 / 405 JSON; foreign Host: 403', async () => {
  assert.match(await errorOf(await fetch(`${base}/etc/passwd`), 404), /no such endpoint/);
  assert.match(await errorOf(await fetch(`${base}/api/result/..%2F..%2Fetc`), 404), /no result/);
  assert.match(await errorOf(await fetch(`${base}/api/result/AAAAAAAAAAAAAAAAAAAAAA/classes.png`), 404), /no result/);
  const res = await fetch(`${base}/api/segment`);
  assert.match(await errorOf(res, 405), /GET is not allowed/);
  assert.is(res.headers.get('allow'), 'POST');
  const status = await new Promise<number>((resolve, reject) => {
    http.get(`${base}/healthz`, { headers: { Host: 'evil.example:80' } }, (r) => { r.resume(); resolve(r.statusCode ?? 0); }).on('error', reject);
  });
  assert.is(status, 403);
});

test('stalled uploads hold no queue place; a full upload gate -> 503 with Retry-After; the server serves afterwards', async () => {
  const stalled = [await stalledUpload(), await stalledUpload()]; // as many as concurrency 1 + queue 1
  await waitForUploads(2);
  assert.is(running.app.queue.stats().admitted, 0);
  assert.is((await segment(photo)).status, 200);
  stalled.push(await stalledUpload()); // maxUploads 3
  await waitForUploads(3);
  const res = await segment(photo);
  assert.match(await errorOf(res, 503), /reading 3 uploads already/);
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
  for (const req of stalled) req.destroy();
  await waitForUploads(0);
  const ok = await segment(photo);
  assert.is(ok.status, 200);
  assert.is(((await ok.json()) as SegmentResponse).width, 48);
});

test('a running job whose client left stops at the next sampling chunk', async () => {
  const controller = new AbortController();
  const seen: number[] = [];
  const segmenter = await Segmenter.create({ model: fixture.model });
  const job = runSegmentJob(segmenter, {
    bytes: photo, samples: 50, seed: 0, signal: controller.signal, queueMs: 0, displayMaxSide: 960,
    onProgress: (p) => {
      if (p.state !== 'sampling' || p.done === 0) return;
      seen.push(p.done);
      controller.abort();
    },
  });
  await job.then(() => assert.unreachable('finished'), (err: unknown) => assert.instance(err, ClientGoneError));
  assert.is(seen.length, 1, 'no chunk ran after the abort');
  assert.ok(seen[0] < 50);
  await segmenter.release();
});

test('progress by job token', async () => {
  const job = 'abcdefgh12345678';
  const r = (await (await segment(photo, `samples=3&job=${job}`)).json()) as SegmentResponse;
  const p = (await (await fetch(`${base}/api/progress/${job}`)).json()) as { state: string; done: number; total: number; id: string };
  assert.equal([p.state, p.done, p.total, p.id], ['done', 3, 3, r.id]);
  assert.match(await errorOf(await fetch(`${base}/api/progress/zzzzzzzzzzzz`), 404), /no request/);
});

test.run();
