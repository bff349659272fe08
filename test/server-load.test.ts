/**
 * A bounded load test of `serve` on loopback: 200 requests, 8 at a time, against a server that
 * runs 1 and queues 2. Every answer is 200 or 503 (with Retry-After); some clients give up
 * mid-request; afterwards the server still answers, holds no admissions, and heap and RSS are
 * back near where they started.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunningServer, startServer } from '../lib/server/server';
import { testPhotoPng, writeTinyModel } from './fixtures/serve-fixture';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = 200;
const PARALLEL = 8;
const KEEP = 8;

async function settle(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

test('200 requests, 8 at a time: only 200 and 503, memory back near its start', async () => {
  const fixture = writeTinyModel();
  let running: RunningServer | null = null;
  try {
    running = await startServer({ model: fixture.model, port: 0, host: '127.0.0.1', concurrency: 1, queue: 2, keepResults: KEEP });
    const url = `${running.url}api/segment?samples=8`;
    const photos = [testPhotoPng(160, 120, 1), testPhotoPng(200, 150, 2), testPhotoPng(96, 72, 3)];
    const post = (i: number, signal?: AbortSignal): Promise<Response> =>
      fetch(`${url}&seed=${i}`, { method: 'POST', body: photos[i % photos.length], headers: { 'Content-Type': 'image/png' }, signal });

    // warm up: JIT, sessions, and a full result store, so the baseline holds what the server keeps
    for (let i = 0; i < KEEP + 2; i++) assert.is((await post(i)).status, 200);
    const before = await settle();

    const statuses = new Map<number, number>();
    let aborted = 0, missingRetryAfter = 0, next = 0;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const i = next++;
        const controller = new AbortController();
        if (i % 10 === 9) setTimeout(() => controller.abort(), 1); // a client that gives up
        try {
          const res = await post(i, controller.signal);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 503 && !(Number(res.headers.get('retry-after')) >= 1)) missingRetryAfter++;
        } catch (err) {
          if ((err as Error).name !== 'AbortError') throw err;
          aborted++;
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const seconds = (performance.now() - t0) / 1000;

    const counts = Object.fromEntries(statuses);
    console.log(`  ${TOTAL} requests in ${seconds.toFixed(1)} s: ${JSON.stringify(counts)}, ${aborted} aborted by the client`);
    assert.equal([...statuses.keys()].filter((s) => s !== 200 && s !== 503), [], `statuses ${JSON.stringify(counts)}`);
    assert.ok((statuses.get(200) ?? 0) > 0, 'some requests were served');
    assert.ok((statuses.get(503) ?? 0) > 0, '8 clients against 1 running + 2 queued overload the server');
    assert.is(missingRetryAfter, 0, 'every 503 names Retry-After');

    // the server goes on: admissions released, a fresh request served
    for (let i = 0; i < 50 && running.app.queue.stats().admitted > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(running.app.queue.stats().admitted, 0);
    assert.is((await post(999)).status, 200);
    assert.ok(running.app.store.size <= KEEP);

    const after = await settle();
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(`  heap ${mb(before.heap)} -> ${mb(after.heap)}, rss ${mb(before.rss)} -> ${mb(after.rss)}`);
    assert.ok(after.heap - before.heap < 16 * 1024 * 1024, `heap grew by ${mb(after.heap - before.heap)}`);
    assert.ok(after.rss - before.rss < 96 * 1024 * 1024, `rss grew by ${mb(after.rss - before.rss)}`);
  } finally {
    await running?.close();
    fixture.cleanup();
  }
});

test.run();
