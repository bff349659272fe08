/**
 * segnet-uq command line: parses flags, calls one library function per command, prints.
 * Exit codes: 0 success, 1 some images failed (or an audit threshold failed), 2 usage or input error.
 */
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runReport, DEFAULT_SAMPLES, ReportEvent } from '../lib/commands/report';
import { runInspect, formatInspect } from '../lib/commands/inspect';
import { DEVICES } from '../lib/engine/session';
import type { Device } from '../lib/types';
import { progressPrinter } from './progress';

/** Flags every model-running command shares. */
export function engineFlags<T>(y: Argv<T>) {
  return y
    .option('model', { type: 'string', describe: 'ONNX model [default: the shipped Bayesian SegNet]' })
    .option('card', { type: 'string', describe: 'model card JSON [default: the .json beside the model]' })
    .option('samples', { alias: 'n', type: 'number', default: DEFAULT_SAMPLES, describe: 'MC dropout samples per image' })
    .option('seed', { type: 'number', default: 0, describe: 'seed of the dropout masks (same seed, same numbers)' })
    .option('device', { choices: DEVICES as Device[], default: 'cpu' as Device, describe: 'execution provider' })
    .option('threads', { type: 'number', default: 0, describe: 'intra-op threads (0: ONNX Runtime decides)' })
    .option('batch', { type: 'number', describe: 'samples per session run [default: 1 on cpu, 16 on cuda, 8 on webgpu]' })
    .option('dropout-rate', { type: 'number', describe: 'override every dropout rate, in (0, 1)' })
    .option('dropout-at', { type: 'string', array: true, describe: 'inject MC dropout after TENSOR[:p] (repeatable)' })
    .option('strict', { type: 'boolean', default: false, describe: 'refuse models without dropout' })
    .option('max-pixels', { type: 'number', default: 40_000_000, describe: 'refuse larger images (decompression bombs)' })
    .option('recursive', { alias: 'r', type: 'boolean', default: false, describe: 'descend into sub-folders' });
}

function checkNumbers(argv: Record<string, unknown>): true {
  for (const key of ['samples', 'seed', 'threads', 'batch', 'max-pixels', 'dropout-rate', 'ignore-index']) {
    const v = argv[key];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw new Error(`--${key} must be a number, got '${String(v)}'`);
  }
  return true;
}

async function main(): Promise<number> {
  let exitCode = 0;
  await yargs(hideBin(process.argv))
    .scriptName('segnet-uq')
    .usage('$0 <command> [options]')
    .command('report <inputs..>', 'uncertainty report (HTML + summary.json) for images and folders',
      (y) => engineFlags(y)
        .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'image files or folders' })
        .option('out', { alias: 'o', type: 'string', default: 'reports/latest', describe: 'output folder' })
        .option('labels', { type: 'string', describe: 'folder of label PNGs named like the images (class index per pixel)' })
        .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
        .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout' })
        .check(checkNumbers),
      async (argv) => {
        const progress = progressPrinter(process.stderr);
        const summary = await runReport({
          inputs: argv.inputs as string[], out: argv.out, samples: argv.samples, seed: argv.seed, labels: argv.labels,
          ignoreIndex: argv['ignore-index'], model: argv.model, card: argv.card, device: argv.device, threads: argv.threads,
          batch: argv.batch, dropoutRate: argv['dropout-rate'], dropoutAt: argv['dropout-at'], strict: argv.strict,
          maxPixels: argv['max-pixels'], recursive: argv.recursive,
          onEvent: (e: ReportEvent) => progress(e),
        });
        progress({ type: 'done' });
        if (argv.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        else {
          const m = summary.metrics;
          process.stdout.write(`${summary.images.length} images, ${summary.errors.length} errors -> ${argv.out}/index.html\n`
            + (m ? `global accuracy ${m.globalAccuracy.toFixed(4)}  class-average accuracy ${m.classAverageAccuracy.toFixed(4)}  mIoU ${m.meanIoU.toFixed(4)}\n` : ''));
          for (const e of summary.errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
        }
        exitCode = summary.errors.length > 0 ? 1 : 0;
      })
    .command('inspect [model]', 'inputs, outputs, dropout nodes and the share of compute before the first dropout',
      (y) => y.positional('model', { type: 'string', describe: 'ONNX model [default: the shipped model]' })
        .option('card', { type: 'string' })
        .option('json', { type: 'boolean', default: false }),
      async (argv) => {
        const info = await runInspect({ model: argv.model, card: argv.card });
        process.stdout.write(argv.json ? JSON.stringify(info, null, 2) + '\n' : formatInspect(info));
      })
    .demandCommand(1, 'name a command: report, inspect')
    .strict()
    .help()
    .fail((msg, err, y) => {
      if (err) throw err;
      process.stderr.write(`${y.help !== undefined ? '' : ''}segnet-uq: ${msg}\nRun 'segnet-uq --help' for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
  return exitCode;
}

main().then((code) => { process.exitCode = code; }, (err: Error) => {
  process.stderr.write(`segnet-uq: ${err.message}\n`);
  process.exitCode = 2;
});
