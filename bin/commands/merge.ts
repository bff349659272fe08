import type { CommandModule } from 'yargs';
import { runMerge } from '../../lib/commands/merge';
import { metricsLine } from './calibrate';

export const mergeCommand: CommandModule = {
  command: 'merge <inputs..>',
  describe: 'merge calibration.json files of runs over disjoint images (CI shards) into one, with charts',
  builder: (y) => y
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'calibration.json files or the folders holding them' })
    .option('out', { alias: 'o', type: 'string', default: 'reports/merged', describe: 'output folder (calibration.json, charts/, index.html)' })
    .option('card', { type: 'string', describe: 'model card for class names and colours [default: the card the first run recorded]' })
    .option('json', { type: 'boolean', default: false, describe: 'print the merged calibration.json to stdout (without the statistics)' }),
  handler: (argv) => {
    const merged = runMerge({ inputs: argv.inputs as string[], out: argv.out as string, card: argv.card as string | undefined });
    const m = merged.metrics;
    if (argv.json) process.stdout.write(JSON.stringify({ ...merged, stats: undefined }, null, 2) + '\n');
    else {
      process.stdout.write(`${merged.mergedFrom?.length ?? 0} runs, ${m.images} labelled images, ${merged.errors.length} errors -> ${String(argv.out)}/index.html, calibration.json\n`
        + metricsLine(m));
    }
    for (const e of merged.errors) process.stderr.write(`error (in a merged run): ${e.file}: ${e.message}\n`);
    process.exitCode = merged.errors.length > 0 ? 1 : 0;
  },
};
