/** lib/server/upload-gate.ts: a bounded number of uploads read at once. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../lib/server/http-error';
import { UploadGate } from '../lib/server/upload-gate';
import { throwsError } from './fixtures/throws';

test('a new gate has its limit and no upload in flight; a bad limit is a RangeError naming it', () => {
  const gate = new UploadGate(3);
  assert.equal([gate.maxUploads, gate.inFlight], [3, 0]);
  throwsError(() => new UploadGate(0), RangeError, /^maxUploads must be an integer >= 1, got 0$/);
  throwsError(() => new UploadGate(1.5), RangeError, /^maxUploads must be an integer >= 1, got 1\.5$/);
});

test('enter up to the limit, then 503 with Retry-After and Connection: close; leaving is idempotent', () => {
  const gate = new UploadGate(2);
  const a = gate.enter();
  const b = gate.enter();
  assert.is(gate.inFlight, 2);
  const e = throwsError(() => gate.enter(), HttpError, /^the server is reading 2 uploads already \(limit 2\): try again in 1 s$/);
  assert.is(e.status, 503);
  assert.is(e.headers['Retry-After'], '1');
  assert.is(e.headers.Connection, 'close');
  assert.is(gate.inFlight, 2, 'the refused upload took no place');
  a();
  a();
  assert.is(gate.inFlight, 1);
  gate.enter();
  b();
  assert.is(gate.inFlight, 1);
});

test.run();
