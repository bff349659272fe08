/**
 * A long-running command started through a wrapper (npx, npm run) keeps running when the wrapper
 * is killed: npx does not pass SIGTERM on, and the orphan holds the port. `watchParent` calls
 * `onGone` once the process that started this one has exited (polled: Node has no parent-death
 * signal). Only for wrappers: a server started from a shell with nohup must outlive the shell.
 */
export function startedByWrapper(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
}

/** Polls every `everyMs` whether the parent process still exists; the timer keeps nothing alive. */
export function watchParent(onGone: () => void, everyMs = 1000, parent = process.ppid): () => void {
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (err) {
      // EPERM: it exists but is another user's (its PID was reused); only ESRCH means gone
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') return;
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
