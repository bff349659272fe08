/**
 * Progress on stderr: on a terminal a bar with the ETA, redrawn in place; off a terminal (CI logs)
 * a plain line at each further tenth of the images or every 30 s; nothing with --quiet.
 * Warnings always print.
 */
import { ProgressTracker, progressLine, type ProgressOptions } from '../lib/run/progress';
import type { ReportEvent } from '../lib/commands/report';

type Event = ReportEvent | { type: 'done' };

export function progressPrinter(stream: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean },
  options: { quiet?: boolean } & ProgressOptions = {}): (event: Event) => void {
  const tty = stream.isTTY === true;
  const tracker = new ProgressTracker(options);
  let timer: NodeJS.Timeout | null = null;
  const line = (): void => {
    if (tracker.lineDue()) stream.write(`progress: ${progressLine(tracker.snapshot())}\n`);
  };
  const bar = (): void => {
    const p = tracker.snapshot();
    const width = 30;
    const filled = Math.round(p.fraction * width);
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressLine(p)}`);
  };
  return (event) => {
    if (event.type === 'start') {
      for (const w of event.warnings) stream.write(`warning: ${w}\n`);
      for (const i of event.info ?? []) stream.write(`info: ${i}\n`);
      tracker.start(event.total);
      // an image can take minutes: the 30 s lines must not wait for the next event
      if (!tty && !options.quiet) timer = setInterval(line, 5000).unref();
      return;
    }
    if (event.type === 'done') {
      if (timer) clearInterval(timer);
      if (tty && !options.quiet) stream.write('\r\x1b[K');
      return;
    }
    if (event.type === 'image') tracker.image(event.ok, event.resumed);
    else tracker.samples(event.done, event.total);
    if (options.quiet) return;
    if (tty) bar();
    else if (event.type === 'image') line();
  };
}
