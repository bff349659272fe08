/**
 * The first SIGINT/SIGTERM asks a run to stop after the chunk of samples in progress (its
 * AbortSignal), so it writes what it finished; a second one exits at once (every file is
 * written atomically). `release` removes the handlers; `exitCode` is 130/143 after a signal.
 */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export interface StopSignal {
  readonly signal: AbortSignal;
  /** the signal that stopped the run, or null */
  stopped(): keyof typeof SIGNAL_EXIT | null;
  exitCode(): number | null;
  release(): void;
}

export function stopOnSignal(stream: { write(s: string): unknown } = process.stderr): StopSignal {
  const stop = new AbortController();
  let got: keyof typeof SIGNAL_EXIT | null = null;
  const onSignal = (sig: keyof typeof SIGNAL_EXIT): void => {
    if (got) process.exit(SIGNAL_EXIT[sig]);
    got = sig;
    stream.write(`\nsegnet-uq: ${sig}: finishing the current chunk of samples, then stopping (again to quit now)\n`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    stopped: () => got,
    exitCode: () => (got ? SIGNAL_EXIT[got] : null),
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
