/**
 * Serve admission by progress (issue 25, part 8), on loopback: senders just above the rate floor
 * held every upload place until the 30 s timeout (eight at 70 kB/s: 32 of 32 normal uploads got
 * 503). Now, with the places full, the upload that would finish last past the deadline is
 * released (408, saying why) for the newcomer. Two places and two slow senders keep it short.
 */
import * as http from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunningServer, startServer } from '../lib/server/server';
import { testPhotoPng, writeTinyModel } from './fixtures/serve-fixture';

const fixture = writeTinyModel();
let running: RunningServer;
let base = '';

test.before(async () => {
  running = await startServer({ model: fixture.model, port: 0, host: '127.0.0.1', concurrency: 1, queue: 2, maxUploads: 2, samples: 2 });
  base = running.url.replace(/\/$/, '');
});

test.after(async () => {
  await running?.close();
  fixture.cleanup();
});

/** A client declaring 4 MB and sending 8 KiB every 100 ms (80 KiB/s, above the 64 KiB/s floor): about 50 s for the body. */
function slowSender(): { answer: Promise<{ status: number; body: string }>; stop: () => void } {
  const url = new URL(`${base}/api/segment`);
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'image/png', 'Content-Length': 4 * 1024 * 1024 } });
  const piece = Buffer.alloc(8 * 1024);
  const timer = setInterval(() => req.write(piece), 100);
  const answer = new Promise<{ status: number; body: string }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: 'connection closed' }));
  });
  return { answer, stop: () => { clearInterval(timer); req.destroy(); } };
}

test('two slow senders hold both places; a normal upload after 1.5 s is served, one slow sender is released with 408', async () => {
  const slow = [slowSender(), slowSender()];
  try {
    await new Promise((r) => setTimeout(r, 1500));
    assert.is(running.app.uploads.inFlight, 2, 'both places taken by the slow senders');
    const res = await fetch(`${base}/api/segment?samples=2`, { method: 'POST', body: testPhotoPng(), headers: { 'Content-Type': 'image/png' } });
    assert.is(res.status, 200, `the normal upload: ${res.status} ${await res.clone().text()}`);
    const released = await Promise.race([Promise.race(slow.map((s) => s.answer)), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    assert.ok(released, 'a slow sender got its answer');
    assert.is(released?.status, 408);
    assert.match(released?.body ?? '', /released for another: at \d+ KiB\/s it would take \d+ s, over the 30 s limit/);
  } finally {
    for (const s of slow) s.stop();
  }
});

test.run();
