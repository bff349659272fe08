import type { CommandModule } from 'yargs';
import { runConformal } from '../../lib/commands/conformal';
import type { ReportEvent } from '../../lib/commands/report';
import { METHODS, type ConformalMethod } from '../../lib/conformal/scores';
import { CONFORMAL_DEFAULTS, DEFAULT_OUT } from '../../lib/defaults';
import { checkSaveMaps } from '../../lib/report/npy-outputs';
import { checkNumbers, modelFlags, runFlags, samplesFlags, sampleOptions, IMAGES_OPTION, MAP_SIZE_OPTION, SAVE_MAPS_OPTION, segmenterOptions, shardFlags, shardOf } from '../flags';
import { progressPrinter } from '../progress';

const f = (v: number | null | undefined, d = 4): string => (v === null || v === undefined ? '–' : v.toFixed(d));

export const conformalCommand: CommandModule = {
  command: 'conformal <inputs..>',
  describe: 'fit conformal prediction sets on labelled images: OUT/conformal.json (threshold with a risk guarantee), for --conformal',
  builder: (y) => shardFlags(runFlags(samplesFlags(modelFlags(y))))
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'image files or folders (the calibration images)' })
    .option('labels', { type: 'string', demandOption: true, describe: 'folder of label PNGs named like the images (class index per pixel)' })
    .option('alpha', { type: 'number', demandOption: true, describe: 'the risk to keep: e.g. 0.1 for sets holding the true class on >= 90% of an image\'s labelled pixels, on average over images' })
    .option('method', { choices: METHODS as unknown as ConformalMethod[], default: CONFORMAL_DEFAULTS.method as ConformalMethod, describe: "lac: {c : p_c >= threshold}; aps: classes by probability until their mass passes 1 - threshold (both always hold the top class)" })
    .option('risk', { type: 'string', default: CONFORMAL_DEFAULTS.risk, describe: 'miscoverage (share of labelled pixels whose true class is not in the set) or fnr:CLASS (share of CLASS pixels missed)' })
    .option('mondrian', { type: 'boolean', default: false, describe: "one threshold per class, each class's missed share <= alpha (classes seen in too few images keep the pooled threshold)" })
    .option('min-class-images', { type: 'number', default: CONFORMAL_DEFAULTS.minClassImages, describe: 'with --mondrian: fewest images holding a class for it to get its own threshold' })
    .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT.conformal, describe: 'output folder' })
    .option('images', { ...IMAGES_OPTION, default: false, describe: "also write each image's maps and HTML section (slower)" })
    .option('map-size', MAP_SIZE_OPTION)
    .option('save-maps', SAVE_MAPS_OPTION)
    .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
    .option('json', { type: 'boolean', default: false, describe: 'print conformal.json to stdout (without the statistics)' })
    .check((argv) => {
      for (const key of ['alpha', 'min-class-images']) if (typeof argv[key] !== 'number' || Number.isNaN(argv[key])) throw new Error(`--${key} must be a number, got '${String(argv[key])}'`);
      return checkNumbers(argv);
    }),
  handler: async (argv) => {
    const shard = shardOf(argv);
    const progress = progressPrinter(process.stderr, { quiet: argv.quiet as boolean });
    const { summary, conformal: c } = await runConformal({
      ...segmenterOptions(argv),
      inputs: argv.inputs as string[], labels: argv.labels as string, out: argv.out as string, ...sampleOptions(argv), seed: argv.seed as number,
      alpha: argv.alpha as number, method: argv.method as ConformalMethod, risk: argv.risk as string, mondrian: argv.mondrian as boolean,
      minClassImages: argv['min-class-images'] as number, ignoreIndex: argv['ignore-index'] as number | undefined, recursive: argv.recursive as boolean, force: argv.force as boolean,
      images: argv.images as boolean, mapSize: argv['map-size'] as number | undefined, saveMaps: checkSaveMaps(argv['save-maps']), shard,
      onEvent: (e: ReportEvent) => progress(e),
    });
    progress({ type: 'done' });
    if (argv.json) process.stdout.write(JSON.stringify({ ...c, stats: undefined }, null, 2) + '\n');
    else if (c.shard) process.stdout.write(`${summary.images.length} images, ${summary.errors.length} errors -> ${String(argv.out)}/conformal.json (a shard's statistics: merge the shards to fit)\n`);
    else {
      process.stdout.write(`${summary.images.length} images (${c.images} fitted on), ${summary.errors.length} errors -> ${String(argv.out)}/conformal.json\n`
        + `${c.method} ${c.risk} <= ${c.alpha}${c.mondrian ? ' per class' : ''}: threshold ${f(c.threshold, 6)}  calibration risk ${f(c.calibrationRisk)}  mean set size ${f(c.meanSetSize, 3)}\n`);
      for (const k of c.perClass.filter((p) => p.certified === false)) process.stderr.write(`warning: ${k.class}: in ${k.images} images only (fewer than --min-class-images): it keeps the pooled threshold, not certified per class\n`);
    }
    for (const e of summary.errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    process.exitCode = summary.errors.length > 0 && !shard ? 1 : 0;
  },
};
