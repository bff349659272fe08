/** lib/report/out-lock.ts: one run per output folder, stale locks of dead processes taken over. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isProcessAlive } from '../lib/atomic';
import { acquireOutLock, LOCK_NAME, OutLockedError, withLockedOut } from '../lib/report/out-lock';
import { tempDir } from './fixtures/report-inputs';

const plant = (dir: string, pid: number, host = hostname()): void =>
  writeFileSync(path.join(dir, LOCK_NAME), JSON.stringify({ pid, host, started: '2026-01-01T00:00:00.000Z', command: 'report' }));

/** The PID of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

test('acquire writes pid and host; release removes the lock; release is idempotent', () => {
  const dir = tempDir();
  const lock = acquireOutLock(dir, 'report');
  const content = JSON.parse(readFileSync(lock.file, 'utf8')) as { pid: number; host: string; command: string };
  assert.equal([content.pid, content.host, content.command], [process.pid, hostname(), 'report']);
  assert.is(lock.warning, undefined);
  lock.release();
  lock.release();
  assert.not.ok(existsSync(lock.file));
  acquireOutLock(dir).release();
});

test('a second run of this process is refused', () => {
  const dir = tempDir();
  const lock = acquireOutLock(dir);
  assert.throws(() => acquireOutLock(dir), (e: Error) => e instanceof OutLockedError && /in use by another run in this process/.test(e.message));
  lock.release();
});

test('a live holder is refused, naming its pid and host; so is one of another host', () => {
  const dir = tempDir();
  assert.ok(isProcessAlive(process.ppid));
  plant(dir, process.ppid);
  assert.throws(() => acquireOutLock(dir), new RegExp(`--out .*: in use by another run \\(pid ${process.ppid} on host ${hostname()}`));
  plant(dir, deadPid(), 'elsewhere.example');
  assert.throws(() => acquireOutLock(dir), /pid \d+ on host elsewhere\.example/);
  writeFileSync(path.join(dir, LOCK_NAME), 'garbage');
  assert.throws(() => acquireOutLock(dir), /exists but is not a segnet-uq lock/);
});

test('a stale lock of a dead process (or of an earlier process with this PID) is taken over with a warning', () => {
  const dir = tempDir();
  const pid = deadPid();
  assert.not.ok(isProcessAlive(pid));
  plant(dir, pid);
  const lock = acquireOutLock(dir);
  assert.match(lock.warning ?? '', new RegExp(`took over the lock of a run that is gone \\(pid ${pid} on host`));
  assert.is((JSON.parse(readFileSync(lock.file, 'utf8')) as { pid: number }).pid, process.pid);
  lock.release();
  plant(dir, process.pid);
  const again = acquireOutLock(dir);
  assert.match(again.warning ?? '', /took over/);
  again.release();
});

test('withLockedOut makes the folder, holds the lock while its work runs (sync or async), then frees it', async () => {
  const dir = path.join(tempDir(), 'made');
  const seen = withLockedOut(dir, 'samples', (out) => existsSync(path.join(out, LOCK_NAME)));
  assert.ok(seen, 'locked during the work');
  assert.not.ok(existsSync(path.join(dir, LOCK_NAME)), 'freed after it');
  let inside = false;
  await withLockedOut(dir, 'samples', async (out) => {
    await new Promise((r) => setTimeout(r, 10));
    inside = existsSync(path.join(out, LOCK_NAME));
    assert.throws(() => acquireOutLock(out), /in use by another run in this process/);
  });
  assert.ok(inside);
  assert.not.ok(existsSync(path.join(dir, LOCK_NAME)));
  await withLockedOut(dir, 'x', async () => { throw new Error('boom'); }).catch(() => undefined);
  assert.not.ok(existsSync(path.join(dir, LOCK_NAME)), 'freed after a failure too');
});

test.run();
