/** A one-line progress bar on stderr when it is a terminal; silent otherwise. */
import type { ReportEvent } from '../lib/commands/report';

export function progressPrinter(stream: NodeJS.WriteStream): (event: ReportEvent | { type: 'done' }) => void {
  let total = 0, finished = 0;
  const tty = stream.isTTY === true;
  return (event) => {
    if (event.type === 'start') {
      total = event.total;
      for (const w of event.warnings) stream.write(`warning: ${w}\n`);
      return;
    }
    if (!tty) return;
    if (event.type === 'image') finished++;
    if (event.type === 'done') { stream.write('\r\x1b[K'); return; }
    const frac = total ? (finished + (event.type === 'sample' ? event.done / event.total : 0)) / total : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${finished}/${total} images`);
  };
}
