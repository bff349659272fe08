/**
 * A long-running command started through a wrapper (npx, npm run) keeps running when the wrapper
 * is killed: npx does not pass SIGTERM on, and the orphan holds the port. `watchParent` calls
 * `onGone` once the process that started this one has exited (polled: Node has no parent-death
 * signal). Only for wrappers: a server started from a shell with nohup must outlive the shell.
 */
import { readFileSync } from 'fs';

export function startedByWrapper(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
}

/** A process's parent and command name from /proc (Linux); null elsewhere or when it is gone. */
function procInfo(pid: number): { ppid: number; comm: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(stat.slice(close + 2).split(' ')[1]) };
  } catch {
    return null;
  }
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh']);

/**
 * The processes to watch: the parent, and when it is the shell npx runs the bin through
 * (`sh -c segnet-uq ...`), the wrapper above it too: killing npx may leave that shell waiting.
 */
export function wrapperChain(parent = process.ppid): number[] {
  const info = procInfo(parent);
  return info && SHELLS.has(info.comm) && info.ppid > 1 ? [parent, info.ppid] : [parent];
}

const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists but is another user's; only ESRCH means gone
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

/** Polls every `everyMs` whether each watched process still exists; the timer keeps nothing alive. */
export function watchParent(onGone: () => void, everyMs = 1000, watched: number | readonly number[] = wrapperChain()): () => void {
  const pids = typeof watched === 'number' ? [watched] : watched;
  const timer = setInterval(() => {
    if (!pids.some(gone)) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
