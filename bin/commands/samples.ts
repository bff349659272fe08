import type { CommandModule } from 'yargs';
import { runSamples } from '../../lib/commands/samples';
import { parseCounts } from '../../lib/engine/sample-counts';
import { formatSamplesTable } from '../../lib/report/samples-table';
import { DEFAULT_OUT, DEFAULT_SAMPLE_COUNTS } from '../../lib/defaults';
import { autoFlags, BINS_OPTION, checkNumbers, modelFlags, runFlags, segmenterOptions, shardFlags, shardOf } from '../flags';
import { progressPrinter } from '../progress';

export const samplesCommand: CommandModule = {
  command: 'samples <inputs..>',
  describe: 'metrics against the number of MC samples, from one nested sweep per image',
  builder: (y) => shardFlags(runFlags(autoFlags(modelFlags(y))))
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'image files or folders' })
    .option('counts', { type: 'string', default: DEFAULT_SAMPLE_COUNTS.join(','), describe: 'sample counts to compare, comma-separated' })
    .option('labels', { type: 'string', describe: 'folder of label PNGs named like the images (adds mIoU, accuracy, ECE)' })
    .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
    .option('bins', BINS_OPTION)
    .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT.samples, describe: 'folder for samples.json and the charts' })
    .option('json', { type: 'boolean', default: false, describe: 'print the JSON instead of the table' })
    .option('samples', { type: 'string', coerce: (v: unknown) => (v === undefined ? undefined : String(Array.isArray(v) ? v[v.length - 1] : v)), describe: "only 'auto' here: add an auto row, N per image decided by the --samples auto rule (--tolerance, --max-samples), from the same samples as --counts" })
    .check((argv) => {
      // the fixed counts come from --counts; --samples only switches the auto row on
      if (argv.samples !== undefined && argv.samples !== 'auto') throw new Error(`samples compares --counts; --samples takes only 'auto' here, got ${String(argv.samples)}`);
      return checkNumbers(argv); // --tolerance and --max-samples without auto: runSamples refuses them, before the model loads
    }),
  handler: async (argv) => {
    const shard = shardOf(argv);
    const progress = progressPrinter(process.stderr, { quiet: argv.quiet as boolean });
    const result = await runSamples({
      ...segmenterOptions(argv),
      inputs: argv.inputs as string[], counts: parseCounts(String(argv.counts)), seed: argv.seed as number,
      labels: argv.labels as string | undefined, ignoreIndex: argv['ignore-index'] as number | undefined,
      bins: argv.bins as number, out: argv.out as string | undefined, recursive: argv.recursive as boolean, force: argv.force as boolean,
      samplesLimit: argv['samples-limit'] as number,
      samples: argv.samples === 'auto' ? 'auto' : undefined, tolerance: argv.tolerance as number | undefined, maxSamples: argv['max-samples'] as number | undefined,
      shard, onEvent: (e) => progress(e),
    });
    progress({ type: 'done' });
    if (argv.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      process.stdout.write(`${result.images} images (${result.labelledImages} labelled), seed ${result.seed}\n${formatSamplesTable(result)}`);
      if (argv.out) process.stdout.write(`-> ${String(argv.out)}/samples.json, samples.png, samples-uncertainty.png\n`);
    }
    for (const e of result.errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    process.exitCode = result.errors.length > 0 && !shard ? 1 : 0; // a shard's errors fail the merge
  },
};
