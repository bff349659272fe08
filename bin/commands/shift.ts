import type { CommandModule } from 'yargs';
import { runShift } from '../../lib/commands/shift';
import type { RunEvent } from '../../lib/commands/run-options';
import { CORRUPTIONS } from '../../lib/corruptions';
import { DEFAULT_OUT, SHIFT_DEFAULTS } from '../../lib/defaults';
import { BINS_OPTION, checkNumbers, modelFlags, runFlags, samplesFlags, sampleOptions, segmenterOptions, shardFlags, shardOf } from '../flags';
import { progressPrinter } from '../progress';
import { stopOnSignal } from '../stop-signal';

const f = (v: number | null | undefined, d = 3): string => (v === null || v === undefined ? '–' : v.toFixed(d));

/** "1,3,5" or repeated flags -> the list; a word that is not a number stays as typed, for lib's message. */
function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

export const shiftCommand: CommandModule = {
  command: 'shift <inputs..>',
  describe: 'accuracy, calibration and uncertainty under corruptions (ImageNet-C style) by severity: shift.json, charts, index.html',
  builder: (y) => shardFlags(runFlags(samplesFlags(modelFlags(y))))
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'image files or folders' })
    .option('labels', { type: 'string', demandOption: true, describe: 'folder of label PNGs named like the images (class index per pixel)' })
    .option('corruptions', { type: 'string', array: true, describe: `comma-separated corruptions, of: ${CORRUPTIONS.join(', ')} [default: ${SHIFT_DEFAULTS.corruptions.join(',')}]` })
    .option('severities', { type: 'string', array: true, describe: `comma-separated severities 1-5 [default: ${SHIFT_DEFAULTS.severities.join(',')}]` })
    .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT.shift, describe: 'output folder' })
    .option('bins', BINS_OPTION)
    .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
    .option('resume', { type: 'boolean', default: false, describe: 'go on from OUT/shift.json (a stopped run): its images, unchanged, are not sampled again; other settings are refused' })
    .option('save-images', { type: 'boolean', default: false, describe: 'write the corrupted images to OUT/images/CORRUPTION-SEVERITY/ (otherwise they are never written)' })
    .option('json', { type: 'boolean', default: false, describe: 'print shift.json to stdout' })
    .check(checkNumbers),
  handler: async (argv) => {
    const shard = shardOf(argv);
    const severities = argv.severities === undefined ? undefined : list(argv.severities).map((s) => {
      const n = Number(s);
      if (!Number.isFinite(n)) throw new RangeError(`--severities: '${s}' is not a number`);
      return n;
    });
    const progress = progressPrinter(process.stderr, { quiet: argv.quiet as boolean });
    const stop = stopOnSignal();
    const result = await runShift({
      signal: stop.signal,
      ...segmenterOptions(argv), ...sampleOptions(argv),
      inputs: argv.inputs as string[], labels: argv.labels as string, out: argv.out as string,
      corruptions: argv.corruptions === undefined ? undefined : list(argv.corruptions), severities,
      seed: argv.seed as number, bins: argv.bins as number, ignoreIndex: argv['ignore-index'] as number | undefined,
      recursive: argv.recursive as boolean, force: argv.force as boolean, saveImages: argv['save-images'] as boolean, resume: argv.resume as boolean, shard,
      onEvent: (e: RunEvent) => progress(e),
    });
    progress({ type: 'done' });
    if (argv.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      process.stdout.write(`${result.done?.length ?? result.images} images x ${result.rows.length} conditions, ${result.errors.length} errors -> ${String(argv.out)}/index.html, shift.json\n`);
      process.stdout.write('severity  mIoU   ECE    NLL    entropy  MI     AUROC  score\n');
      for (const s of result.bySeverity) {
        process.stdout.write(`${String(s.severity === 0 ? 'clean' : s.severity).padEnd(9)} ${f(s.meanIoU)}  ${f(s.ece)}  ${f(s.nll)}  ${f(s.meanEntropy)}    ${f(s.meanMutualInformation)}  ${f(s.auroc)}  ${f(s.score)}\n`);
      }
      process.stdout.write(`harmonic mean of the corrupted conditions' scores: ${f(result.harmonicScore)}\n`);
    }
    for (const e of result.errors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    stop.release();
    const code = stop.exitCode();
    if (code !== null) {
      process.stderr.write(`segnet-uq: interrupted after ${result.done?.length ?? 0} of ${result.images} images; run again with --resume to continue\n`);
      process.exitCode = code;
    } else process.exitCode = result.errors.length > 0 && !shard ? 1 : 0; // a shard's errors fail the merge
  },
};
