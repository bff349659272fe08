import type { CommandModule } from 'yargs';
import type { ServeEvent } from '../../lib/server/app';
import { SERVE_DEFAULTS } from '../../lib/defaults';
import { formatByteSize, parseByteSize } from '../../lib/server/options';
import { startServer } from '../../lib/server/server';
import { checkNumbers, CONFORMAL_OPTION, modelFlags, segmenterOptions } from '../flags';
import { startedByWrapper, watchParent, wrapperChain } from '../parent-watch';

function logLine(e: ServeEvent): string {
  switch (e.type) {
    case 'segment': return `segment ${e.width}x${e.height} N=${e.samples} ${e.ms} ms -> ${e.id}`;
    case 'rejected': return `${e.status} ${e.path}: ${e.message}`;
    case 'cancelled': return `cancelled ${e.path} (client went away)`;
    case 'internal-error': return `error ${e.path}: ${e.message}`;
  }
}

export const serveCommand: CommandModule = {
  command: 'serve',
  describe: 'web demo: upload a photo, see the segmentation and its uncertainty',
  builder: (y) => modelFlags(y)
    .option('samples', { type: 'number', default: SERVE_DEFAULTS.samples, describe: 'samples when a request names none (the page starts here)' })
    .option('port', { alias: 'p', type: 'number', default: SERVE_DEFAULTS.port, describe: 'TCP port (0: any free port)' })
    .option('host', { type: 'string', default: SERVE_DEFAULTS.host, describe: 'address to bind (other than loopback exposes the server)' })
    .option('max-upload', { type: 'string', default: formatByteSize(SERVE_DEFAULTS.maxUpload), describe: 'largest upload (e.g. 20MB, 512KB)' })
    .option('concurrency', { type: 'number', default: SERVE_DEFAULTS.concurrency, describe: 'images segmented at the same time' })
    .option('queue', { type: 'number', default: SERVE_DEFAULTS.queue, describe: 'requests waiting beyond --concurrency before 503' })
    .option('max-samples', { type: 'number', default: SERVE_DEFAULTS.maxSamples, describe: 'most samples a request may ask for' })
    .option('gallery', { type: 'string', describe: 'folder of images the page shows as a gallery: a click segments one (e.g. CamVid val)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no log line per request' })
    .option('conformal', { ...CONFORMAL_OPTION, describe: "a conformal.json from 'segnet-uq conformal' (same model): requests with its samples and seed get prediction sets and a set-size map" })
    .check(checkNumbers),
  handler: async (argv) => {
    const quiet = argv.quiet as boolean;
    const running = await startServer({
      ...segmenterOptions(argv),
      port: argv.port as number, host: argv.host as string, maxUpload: parseByteSize('--max-upload', argv['max-upload'] as string),
      concurrency: argv.concurrency as number, queue: argv.queue as number, samples: argv.samples as number,
      maxSamples: argv['max-samples'] as number, gallery: argv.gallery as string | undefined, conformal: argv.conformal as string | undefined,
      onEvent: (e) => { if (!quiet) process.stderr.write(`${new Date().toISOString()} ${logLine(e)}\n`); },
    });
    for (const w of running.app.engine.info.warnings) process.stderr.write(`warning: ${w}\n`);
    // the server's own PID: under npx, killing npx's PID would leave this process serving
    process.stdout.write(`segnet-uq serve: ${running.url} (model ${running.app.card.name}; pid ${process.pid}; Ctrl-C or kill ${process.pid} to stop)\n`);
    // process.exit only once the sampling worker has left: exiting while its native run is in
    // flight aborts the process (issue 25). A second signal kills at once (the default action).
    const stop = (why = 'stopping after the current chunk... (again to quit now)'): void => {
      process.stderr.write(`${why}\n`);
      running.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', () => stop());
    process.once('SIGTERM', () => stop());
    const chain = wrapperChain();
    if (startedByWrapper()) watchParent(() => stop(`the process that started serve (pid ${chain[chain.length - 1]}) exited; stopping...`), undefined, chain);
  },
};
