import type { CommandModule } from 'yargs';
import { verdictOf } from '../../lib/audit/gates';
import { runMerge } from '../../lib/commands/merge';
import { formatSamplesTable } from '../../lib/report/samples-table';
import { mergeExitCode } from '../../lib/commands/merge-shards';
import { metricsLine } from './calibrate';

export const mergeCommand: CommandModule = {
  command: 'merge <inputs..>',
  describe: 'merge the shard folders of one run: merge OUT SHARD_DIRS... (or calibration.json files of runs over disjoint images with --out)',
  builder: (y) => y
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'OUT, then the shard folders (with --out: all are inputs)' })
    .option('out', { alias: 'o', type: 'string', describe: 'output folder [default: the first positional]' })
    .option('copy', { type: 'boolean', default: false, describe: "copy each image's maps into OUT instead of linking into the shard folders" })
    .option('allow-partial', { type: 'boolean', default: false, describe: 'merge although shards are missing (flagged in every output; an audit then exits 2)' })
    .option('card', { type: 'string', describe: 'model card for class names and colours [default: the card the runs recorded]' })
    .option('force', { type: 'boolean', default: false, describe: 'write into an OUT that holds files segnet-uq did not write (refused otherwise)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the merged results to stdout (without the statistics)' }),
  handler: (argv) => {
    const positional = argv.inputs as string[];
    const out = (argv.out as string | undefined) ?? positional[0];
    const inputs = argv.out === undefined ? positional.slice(1) : positional;
    const r = runMerge({ inputs, out, card: argv.card as string | undefined, copy: argv.copy as boolean, allowPartial: argv['allow-partial'] as boolean, force: argv.force as boolean });
    const errors = [...(r.summary ?? r.calibration)?.errors ?? [], ...r.samples?.errors ?? [], ...r.shift?.errors ?? []];
    if (argv.json) {
      process.stdout.write(JSON.stringify({ ...r, calibration: r.calibration ? { ...r.calibration, stats: undefined } : undefined}, null, 2) + '\n');
    } else {
      const n = r.shards.count ? `${r.shards.merged.length} of ${r.shards.count} shards` : `${r.calibration?.mergedFrom?.length ?? 0} runs`;
      process.stdout.write(`${n}, ${r.summary?.images.length ?? r.samples?.images ?? r.shift?.images ?? r.calibration?.metrics.images} images, ${errors.length} errors -> ${out}\n`);
      if (r.calibration) process.stdout.write(metricsLine(r.calibration.metrics));
      else if (r.summary?.metrics) process.stdout.write(`global accuracy ${r.summary.metrics.globalAccuracy.toFixed(4)}  mIoU ${r.summary.metrics.meanIoU.toFixed(4)}\n`);
      if (r.samples) process.stdout.write(formatSamplesTable(r.samples));
      for (const g of r.audit?.gates ?? []) process.stdout.write(`${verdictOf(g, r.audit?.failOnWarn ?? false).toUpperCase().padEnd(4)}  ${g.name}  (${g.message})\n`);
    }
    if (r.shards.missing.length) process.stderr.write(`warning: partial merge: shards ${r.shards.missing.join(', ')} of ${r.shards.count} are missing\n`);
    for (const e of errors) process.stderr.write(`error (in a merged run): ${e.file}: ${e.message}\n`);
    process.exitCode = mergeExitCode(r);
  },
};
