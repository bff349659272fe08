/**
 * An exclusive lock on an output folder for a run's lifetime: OUT/.segnet-uq.lock holds the PID,
 * host and start time of the run. Two runs into one folder mixed their results before (issue
 * 20: a summary.json saying seed 0 over maps made with seed 1). The lock file is made complete
 * under a temporary name and hard-linked into place, so it never exists half-written and only
 * one run can create it. A lock left by a dead process of this host is taken over (with a
 * warning); one of a live process, or of another host (whose processes cannot be checked),
 * refuses the run, as does a second run of the same process.
 */
import { linkSync, renameSync, rmSync, writeFileSync } from 'fs';
import { hostname } from 'os';
import * as path from 'path';
import { isProcessAlive, TEMP_PREFIX } from '../atomic';
import { FileError } from '../errors';
import { readUntrustedText } from '../safe-read';
import { claimOutDir, OutDirError, prepareOutDir } from './out-dir';

export const LOCK_NAME = '.segnet-uq.lock';

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly command: string;
}

/** Another run holds the folder: a FileError (`file` the folder, `reason`, flag --out) of its own name (exit code 2 from the CLI). */
export class OutLockedError extends FileError {
  override name = 'OutLockedError';
}

const OUT = { flag: '--out' } as const;

export interface OutLock {
  readonly file: string;
  /** set when a stale lock was taken over */
  readonly warning?: string;
  /** Removes the lock; idempotent. */
  release(): void;
}

/** lock file -> its content, for the locks this process holds */
const held = new Map<string, string>();
let exitHook = false;

function removeAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [file, content] of held) removeIfOurs(file, content);
    held.clear();
  });
}

function removeIfOurs(file: string, content: string): void {
  try {
    if (readUntrustedText(file, { limit: 'json' }) === content) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

function readHolder(file: string): LockContent | null {
  try {
    const c = JSON.parse(readUntrustedText(file, { limit: 'json' })) as Partial<LockContent>;
    return Number.isInteger(c.pid) && typeof c.host === 'string' ? (c as LockContent) : null;
  } catch {
    return null;
  }
}

function tryCreate(dir: string, file: string, content: string): boolean {
  const tmp = path.join(dir, `.segnet-uq-tmp-${process.pid}-0-${LOCK_NAME}.tmp`); // the form atomic.ts cleans up
  try {
    writeFileSync(tmp, content);
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new OutDirError(dir, `cannot create the lock file ${LOCK_NAME} (${code ?? (err as Error).message})`, OUT);
  } finally {
    rmSync(tmp, { force: true });
  }
}

const describe = (h: LockContent): string => `pid ${h.pid} on host ${h.host}, started ${h.started}${h.command ? `: ${h.command}` : ''}`;

/** Locks the (existing) folder `dir` or throws OutLockedError naming the holder. */
export function acquireOutLock(dir: string, command = 'segnet-uq'): OutLock {
  const file = path.join(dir, LOCK_NAME);
  if (held.has(file)) throw new OutLockedError(dir, 'in use by another run in this process', OUT);
  const content = JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command }) + '\n';
  let warning: string | undefined;
  if (!tryCreate(dir, file, content)) {
    const holder = readHolder(file);
    if (!holder) {
      throw new OutLockedError(dir, `${file} exists but is not a segnet-uq lock; if no run uses this folder, delete it`, OUT);
    }
    // a lock with this very PID that this process does not hold is a previous process's (PIDs
    // repeat, in containers most of all)
    const gone = holder.host === hostname() && (holder.pid === process.pid || !isProcessAlive(holder.pid));
    if (!gone) {
      throw new OutLockedError(dir, `in use by another run (${describe(holder)}); wait for it or choose another --out `
        + `(if that run is gone, delete ${file})`, OUT);
    }
    // the holder died without removing its lock: take it over, unless another run just did
    if (!removeStale(file, holder) || !tryCreate(dir, file, content)) {
      const now = readHolder(file);
      throw new OutLockedError(dir, `in use by another run (${now ? describe(now) : 'unknown'})`, OUT);
    }
    warning = `--out ${dir}: took over the lock of a run that is gone (${describe(holder)}); its unfinished files may remain`;
  }
  held.set(file, content);
  removeAllOnExit();
  return { file, warning, release: once(() => release(file)) };
}

/**
 * Moves the stale lock aside and checks that what moved is the stale one: two runs taking over
 * at once must not remove each other's fresh lock (the loser puts it back and is refused).
 */
function removeStale(file: string, stale: LockContent): boolean {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return false; // another run moved it first
  }
  const moved = readHolder(aside);
  const same = moved !== null && moved.pid === stale.pid && moved.host === stale.host && moved.started === stale.started;
  if (!same) {
    try {
      linkSync(aside, file);
    } catch {
      // a third run holds it now; either way this one is refused
    }
  }
  rmSync(aside, { force: true });
  return same;
}

function once(f: () => void): () => void {
  let done = false;
  return (): void => {
    if (!done) f();
    done = true;
  };
}

function release(file: string): void {
  const content = held.get(file);
  if (content === undefined) return;
  held.delete(file);
  removeIfOurs(file, content);
}

/**
 * Makes `dir` (prepareOutDir) and holds its lock while `run` works in it, synchronously or until
 * its promise settles. A stale lock's takeover warning is passed to `run`. The folder must be
 * empty or a segnet-uq output folder unless `force` (claimOutDir). Re-entrant: a folder
 * this process already holds is worked in under that lock.
 */
export function withLockedOut<T>(dir: string, command: string, run: (out: string, warning?: string) => T, options: { readonly force?: boolean } = {}): T {
  const out = prepareOutDir(dir);
  // this process holds it already (merge gating its merged folder as audit --from does): work on
  if (held.has(path.join(out, LOCK_NAME))) return run(out);
  const lock = acquireOutLock(out, command);
  let result: T;
  try {
    claimOutDir(out, { force: options.force, ignore: (name) => name === LOCK_NAME || name.startsWith(TEMP_PREFIX) });
    result = run(out, lock.warning);
  } catch (err) {
    lock.release();
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => lock.release()) as T;
  lock.release();
  return result;
}
