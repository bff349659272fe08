/** lib/server/upload-gate.ts: a bounded number of uploads read at once. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../lib/server/http-error';
import { UploadGate } from '../lib/server/upload-gate';

test('is a class that refuses a bad limit', () => {
  assert.type(UploadGate, 'function');
  assert.throws(() => new UploadGate(0), /maxUploads must be an integer >= 1, got 0/);
  assert.throws(() => new UploadGate(1.5), /got 1.5/);
});

test('enter up to the limit, then 503 with Retry-After and Connection: close; leaving is idempotent', () => {
  const gate = new UploadGate(2);
  const a = gate.enter();
  const b = gate.enter();
  assert.is(gate.inFlight, 2);
  try {
    gate.enter();
    assert.unreachable('a third upload was let in');
  } catch (err) {
    assert.instance(err, HttpError);
    const e = err as HttpError;
    assert.is(e.status, 503);
    assert.match(e.message, /reading 2 uploads already \(limit 2\)/);
    assert.is(e.headers['Retry-After'], '1');
    assert.is(e.headers.Connection, 'close');
  }
  a();
  a();
  assert.is(gate.inFlight, 1);
  gate.enter();
  b();
  assert.is(gate.inFlight, 1);
});

test.run();
