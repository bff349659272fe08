/** lib/server/queue.ts: bounded admission, bounded concurrency, dropping work whose client left. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientGoneError, HttpError } from '../lib/server/http-error';
import { WorkQueue } from '../lib/server/queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

test('BAD CALL: concurrency and queue are checked', () => {
  assert.throws(() => new WorkQueue({ concurrency: 0, queue: 1 }), /concurrency must be an integer >= 1, got 0/);
  assert.throws(() => new WorkQueue({ concurrency: 1, queue: -1 }), /queue must be an integer >= 0, got -1/);
});

test('admits concurrency + queue, then 503 with Retry-After', () => {
  const q = new WorkQueue({ concurrency: 2, queue: 1 });
  const tickets = [q.admit(), q.admit(), q.admit()];
  try {
    q.admit();
    assert.unreachable('a fourth admission');
  } catch (err) {
    assert.instance(err, HttpError);
    assert.is((err as HttpError).status, 503);
    assert.ok(Number((err as HttpError).headers['Retry-After']) >= 1);
  }
  tickets[0].release();
  tickets[0].release(); // idempotent
  assert.is(q.stats().admitted, 2);
  q.admit();
});

test('runs at most `concurrency` tasks, in arrival order', async () => {
  const q = new WorkQueue({ concurrency: 1, queue: 2 });
  const signal = new AbortController().signal;
  const gate = deferred();
  const order: number[] = [];
  const a = q.admit(), b = q.admit(), c = q.admit();
  const pa = a.run(async () => { order.push(1); await gate.promise; }, signal);
  const pb = b.run(async () => { order.push(2); }, signal);
  const pc = c.run(async () => { order.push(3); }, signal);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(order, [1]);
  assert.is(b.position(), 1);
  assert.is(c.position(), 2);
  assert.equal([q.stats().running, q.stats().waiting], [1, 2]);
  gate.resolve();
  await Promise.all([pa, pb, pc]);
  assert.equal(order, [1, 2, 3]);
  assert.is(q.stats().running, 0);
});

test('a queued task whose client left never runs; a failing task frees its slot', async () => {
  const q = new WorkQueue({ concurrency: 1, queue: 2 });
  const gate = deferred();
  const live = new AbortController().signal;
  const gone = new AbortController();
  let ran = false;
  const pa = q.admit().run(async () => { await gate.promise; throw new Error('boom'); }, live);
  const pb = q.admit().run(async () => { ran = true; }, gone.signal);
  gone.abort();
  await pb.then(() => assert.unreachable('resolved'), (err: unknown) => assert.instance(err, ClientGoneError));
  assert.is(q.stats().waiting, 0);
  gate.resolve();
  await pa.then(() => assert.unreachable('resolved'), (err: Error) => assert.is(err.message, 'boom'));
  assert.is(ran, false);
  await q.admit().run(async () => undefined, live);
  assert.is(q.stats().running, 0);
});

test('a ticket runs once', async () => {
  const q = new WorkQueue({ concurrency: 1, queue: 0 });
  const t = q.admit();
  const signal = new AbortController().signal;
  await t.run(async () => undefined, signal);
  await t.run(async () => undefined, signal).then(() => assert.unreachable('ran twice'), (err: Error) => assert.match(err.message, /one task/));
});

test.run();
