import type { CommandModule } from 'yargs';
import { runReport, ReportEvent } from '../../lib/commands/report';
import type { ConformalMetrics } from '../../lib/conformal/apply';
import { checkSaveMaps } from '../../lib/report/npy-outputs';
import { checkRanking } from '../../lib/report/ranking';
import { RANK_BY, REDUCTIONS, type RankBy, type Reduction } from '../../lib/report/review';
import { DEFAULT_OUT, DEFAULT_RANK_REDUCTION } from '../../lib/defaults';
import { checkNumbers, modelFlags, runFlags, samplesFlags, sampleOptions, IMAGES_OPTION, MAP_SIZE_OPTION, SCALE_OPTION, SAVE_MAPS_OPTION, CONFORMAL_OPTION, segmenterOptions, shardFlags, shardOf, typedFlags } from '../flags';
import { progressPrinter } from '../progress';
import { stopOnSignal } from '../stop-signal';

export const reportCommand: CommandModule = {
  command: 'report <inputs..>',
  describe: 'uncertainty report (HTML + summary.json) for images and folders',
  builder: (y) => shardFlags(runFlags(samplesFlags(modelFlags(y))))
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'image files or folders' })
    .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT.report, describe: 'output folder' })
    .option('images', IMAGES_OPTION)
    .option('map-size', MAP_SIZE_OPTION)
    .option('scale', SCALE_OPTION)
    .option('save-maps', SAVE_MAPS_OPTION)
    .option('conformal', CONFORMAL_OPTION)
    .option('labels', { type: 'string', describe: 'folder of label PNGs named like the images (class index per pixel)' })
    .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
    .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout' })
    .option('resume', { type: 'boolean', default: false, describe: 'skip images already finished in OUT/summary.json (same content and settings)' })
    .option('rank-by', { choices: RANK_BY, describe: 'review queue: write OUT/ranking.csv and summary.json ranking, most uncertain first' })
    .option('rank-reduction', { choices: REDUCTIONS, default: DEFAULT_RANK_REDUCTION as Reduction, describe: 'per-image reduction of the --rank-by score (top10: mean of the top 10% pixels)' })
    .option('top', { type: 'number', describe: 'images in the ranking [default: all]' })
    .check(checkNumbers)
    .check((argv) => { // README: --rank-by SCORE [--rank-reduction R] [--top K]; without a ranking they would do nothing
      const lone = argv['rank-by'] === undefined ? typedFlags(['rank-reduction', 'top']) : [];
      if (lone.length > 0) throw new Error(`${lone.map((f) => `--${f}`).join(' and ')} ${lone.length > 1 ? 'need' : 'needs'} --rank-by (the score to rank the images by)`);
      return true;
    }),
  handler: async (argv) => {
    const shard = shardOf(argv);
    // checked here too: a bad --top is a usage error before the output folder is made
    const ranking = argv['rank-by'] ? checkRanking({
      by: argv['rank-by'] as RankBy, reduction: argv['rank-reduction'] as Reduction, top: argv.top as number | undefined,
    }) : undefined;
    const progress = progressPrinter(process.stderr, { quiet: argv.quiet as boolean });
    // First SIGINT/SIGTERM: finish the chunk of samples in progress, write summary.json (complete: false)
    // and exit 130/143. A second one exits at once (every file is written atomically).
    const stop = stopOnSignal();
    const summary = await runReport({
      signal: stop.signal, resume: argv.resume as boolean, ranking,
      ...segmenterOptions(argv),
      inputs: argv.inputs as string[], out: argv.out as string, ...sampleOptions(argv), seed: argv.seed as number,
      labels: argv.labels as string | undefined, ignoreIndex: argv['ignore-index'] as number | undefined,
      recursive: argv.recursive as boolean, force: argv.force as boolean, images: argv.images as boolean, mapSize: argv['map-size'] as number | undefined, scale: argv.scale as 'fixed' | 'image' | undefined, saveMaps: checkSaveMaps(argv['save-maps']), conformal: argv.conformal as string | undefined, shard,
      onEvent: (e: ReportEvent) => progress(e),
    });
    progress({ type: 'done' });
    if (argv.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      const m = summary.metrics;
      const cf = m?.conformal as ConformalMetrics | undefined;
      process.stdout.write(`${summary.images.length} images, ${summary.errors.length} errors -> ${String(argv.out)}/index.html\n`
        + (m ? `global accuracy ${m.globalAccuracy.toFixed(4)}  class-average accuracy ${m.classAverageAccuracy.toFixed(4)}  mIoU ${m.meanIoU.toFixed(4)}\n` : '')
        + (cf?.coverage !== undefined ? `conformal coverage ${cf.coverage === null ? '–' : cf.coverage.toFixed(4)}  mean set size ${cf.meanSetSize.toFixed(3)}  pixels with more than one class ${cf.ambiguous.toFixed(4)}\n` : ''));
    }
    for (const e of summary.errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    stop.release();
    const code = stop.exitCode();
    if (code !== null) {
      process.stderr.write(`segnet-uq: interrupted after ${summary.images.length} images; run again with --resume to continue\n`);
      process.exitCode = code;
    } else process.exitCode = summary.errors.length > 0 && !shard ? 1 : 0; // a shard's errors fail the merge
  },
};
