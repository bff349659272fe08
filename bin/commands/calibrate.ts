import type { CommandModule } from 'yargs';
import { runCalibrate } from '../../lib/commands/calibrate';
import type { ConformalMetrics } from '../../lib/conformal/apply';
import type { ReportEvent } from '../../lib/commands/report';
import type { MetricSummary } from '../../lib/metrics/types';
import { checkSaveMaps } from '../../lib/report/npy-outputs';
import { DEFAULT_OUT, TEMPERATURE_SEARCH } from '../../lib/defaults';
import { atSearchEnd } from '../../lib/metrics/temperature';
import { BINS_OPTION, checkNumbers, modelFlags, runFlags, samplesFlags, sampleOptions, IMAGES_OPTION, MAP_SIZE_OPTION, SCALE_OPTION, SAVE_MAPS_OPTION, CONFORMAL_OPTION, segmenterOptions, shardFlags, shardOf } from '../flags';
import { progressPrinter } from '../progress';

const f = (v: number | null | undefined, d = 4): string => (v === null || v === undefined ? '–' : v.toFixed(d));

/** The headline numbers of a calibration run, one line. */
export function metricsLine(m: MetricSummary): string {
  const c = m.calibration;
  return `global accuracy ${f(m.globalAccuracy)}  mIoU ${f(m.meanIoU)}  ECE ${f(c.ece)}  MCE ${f(c.mce)}  adaptive ECE ${f(c.adaptiveEce)}  `
    + `class-wise ECE ${f(c.classwiseEce)}  Brier ${f(c.brier)}  NLL ${f(c.nll)}\n`;
}

export const calibrateCommand: CommandModule = {
  command: 'calibrate <inputs..>',
  describe: 'calibration and uncertainty quality against labels: calibration.json, charts, index.html',
  builder: (y) => shardFlags(runFlags(samplesFlags(modelFlags(y))))
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'image files or folders' })
    .option('labels', { type: 'string', demandOption: true, describe: 'folder of label PNGs named like the images (class index per pixel)' })
    .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT.calibrate, describe: `output folder (its own, so a report in ${DEFAULT_OUT.report} is kept)` })
    .option('images', IMAGES_OPTION)
    .option('map-size', MAP_SIZE_OPTION)
    .option('scale', SCALE_OPTION)
    .option('save-maps', SAVE_MAPS_OPTION)
    .option('conformal', CONFORMAL_OPTION)
    .option('bins', BINS_OPTION)
    .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
    .option('fit-temperature', { type: 'boolean', default: false, describe: 'fit a softmax temperature on these images; report ECE and NLL before and after' })
    .option('save-temperature', { type: 'boolean', default: false, describe: 'write the fitted temperature into the model card (implies --fit-temperature)' })
    .option('json', { type: 'boolean', default: false, describe: 'print calibration.json to stdout (without the statistics)' })
    .check(checkNumbers),
  handler: async (argv) => {
    const shard = shardOf(argv);
    const progress = progressPrinter(process.stderr, { quiet: argv.quiet as boolean });
    const { summary, calibration } = await runCalibrate({
      ...segmenterOptions(argv),
      inputs: argv.inputs as string[], labels: argv.labels as string, out: argv.out as string, ...sampleOptions(argv),
      seed: argv.seed as number, bins: argv.bins as number, ignoreIndex: argv['ignore-index'] as number | undefined,
      recursive: argv.recursive as boolean, force: argv.force as boolean, images: argv.images as boolean, mapSize: argv['map-size'] as number | undefined, scale: argv.scale as 'fixed' | 'image' | undefined, saveMaps: checkSaveMaps(argv['save-maps']), conformal: argv.conformal as string | undefined, fitTemperature: argv['fit-temperature'] as boolean, saveTemperature: argv['save-temperature'] as boolean,
      shard,
      onEvent: (e: ReportEvent) => progress(e),
    });
    progress({ type: 'done' });
    const m = calibration.metrics;
    if (argv.json) process.stdout.write(JSON.stringify({ ...calibration, stats: undefined }, null, 2) + '\n');
    else {
      const t = calibration.temperature;
      const cf = summary.metrics?.conformal as ConformalMetrics | undefined;
      process.stdout.write(`${summary.images.length} images (${m.images} labelled), ${summary.errors.length} errors -> ${String(argv.out)}/index.html, calibration.json\n`
        + metricsLine(m)
        + (cf ? `conformal coverage ${f(cf.coverage)}  mean set size ${f(cf.meanSetSize, 3)}  pixels with more than one class ${f(cf.ambiguous)}\n` : '')
        + (t ? `temperature ${f(t.combined)} (x${f(t.fitted)} on ${t.pixels} pixels): ECE ${f(t.eceBefore)} -> ${f(t.eceAfter)}, NLL ${f(t.nllBefore)} -> ${f(t.nllAfter)}`
          + `${t.savedTo ? `, saved to ${t.savedTo}` : ''}\n` : ''));
    }
    const t = calibration.temperature;
    if (t && atSearchEnd(t.fitted)) {
      process.stderr.write(`warning: the fitted temperature factor ${t.fitted.toFixed(4)} is at the end of the searched range [${TEMPERATURE_SEARCH.lower}, ${TEMPERATURE_SEARCH.upper}]: the model's probabilities are far from calibrated (or nearly uniform)\n`);
    }
    if ((argv['fit-temperature'] || argv['save-temperature']) && !t) {
      process.stderr.write('warning: no labelled pixel: no temperature was fitted\n');
    }
    for (const e of summary.errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    process.exitCode = summary.errors.length > 0 && !shard ? 1 : 0; // a shard's errors fail the merge
  },
};
