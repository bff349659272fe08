import type { CommandModule } from 'yargs';
import { ANOMALY_KINDS, type AnomalyKind } from '../../lib/anomaly/scores';
import { runAnomaly } from '../../lib/commands/anomaly';
import type { ReportEvent } from '../../lib/commands/report';
import { ANOMALY_DEFAULTS, DEFAULT_OUT } from '../../lib/defaults';
import { checkSaveMaps } from '../../lib/report/npy-outputs';
import { checkNumbers, modelFlags, runFlags, samplesFlags, sampleOptions, IMAGES_OPTION, MAP_SIZE_OPTION, SAVE_MAPS_OPTION, segmenterOptions, shardFlags, shardOf } from '../flags';
import { progressPrinter } from '../progress';

const f = (v: number | null, d = 3): string => (v === null ? '–' : v.toFixed(d));

export const anomalyCommand: CommandModule = {
  command: 'anomaly <inputs..>',
  describe: 'how well each uncertainty map finds unknown objects: AP, AUROC, FPR95 and component metrics against anomaly labels',
  builder: (y) => shardFlags(runFlags(samplesFlags(modelFlags(y))))
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'image files or folders' })
    .option('anomaly-labels', { type: 'string', demandOption: true, describe: 'folder of anomaly label PNGs named like the images: 1 anomaly, 0 inlier, 255 outside the region of interest' })
    .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT.anomaly, describe: 'output folder' })
    .option('images', IMAGES_OPTION)
    .option('map-size', MAP_SIZE_OPTION)
    .option('save-maps', SAVE_MAPS_OPTION)
    .option('min-predicted', { type: 'number', default: ANOMALY_DEFAULTS.minPredicted, describe: 'component metrics: predicted components smaller than this (pixels) are dropped (SegmentMeIfYouCan: 500 anomaly track, 50 obstacle track)' })
    .option('min-anomaly', { type: 'number', default: ANOMALY_DEFAULTS.minAnomaly, describe: 'component metrics: labelled anomalies smaller than this (pixels) are left out (SegmentMeIfYouCan: 100 anomaly track, 10 obstacle track)' })
    .option('panel-score', { choices: ANOMALY_KINDS as AnomalyKind[], default: ANOMALY_DEFAULTS.panelScore as AnomalyKind, describe: "the score drawn beside each image's labelled region" })
    .option('json', { type: 'boolean', default: false, describe: 'print anomaly.json to stdout (without the statistics)' })
    .check(checkNumbers),
  handler: async (argv) => {
    const shard = shardOf(argv);
    const progress = progressPrinter(process.stderr, { quiet: argv.quiet as boolean });
    const { summary, anomaly } = await runAnomaly({
      ...segmenterOptions(argv),
      inputs: argv.inputs as string[], anomalyLabels: argv['anomaly-labels'] as string, out: argv.out as string, ...sampleOptions(argv),
      seed: argv.seed as number, recursive: argv.recursive as boolean, force: argv.force as boolean, images: argv.images as boolean, mapSize: argv['map-size'] as number | undefined,
      saveMaps: checkSaveMaps(argv['save-maps']), minPredicted: argv['min-predicted'] as number, minAnomaly: argv['min-anomaly'] as number,
      panelScore: argv['panel-score'] as AnomalyKind, shard,
      onEvent: (e: ReportEvent) => progress(e),
    });
    progress({ type: 'done' });
    if (argv.json) process.stdout.write(JSON.stringify({ ...anomaly, stats: undefined }, null, 2) + '\n');
    else {
      process.stdout.write(`${summary.images.length} images (${anomaly.images} with anomaly labels), ${summary.errors.length} errors -> ${String(argv.out)}/index.html, anomaly.json\n`);
      process.stdout.write(`${'score'.padEnd(18)} ${'AP'.padStart(6)} ${'AUROC'.padStart(6)} ${'FPR95'.padStart(6)} ${'sIoU'.padStart(6)} ${'PPV'.padStart(6)} ${'meanF1'.padStart(6)}\n`);
      for (const [kind, s] of Object.entries(anomaly.scores)) {
        process.stdout.write(`${kind.padEnd(18)} ${[s.pixel.ap, s.pixel.auroc, s.pixel.fpr95, s.component.sIoU, s.component.ppv, s.component.meanF1].map((v) => f(v).padStart(6)).join(' ')}\n`);
      }
    }
    for (const e of summary.errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    process.exitCode = summary.errors.length > 0 && !shard ? 1 : 0; // a shard's errors fail the merge
  },
};
