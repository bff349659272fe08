/**
 * Flags shared by several commands, in groups: each command adds the groups it uses and declares
 * the rest itself, so a flag it does not take is a usage error (yargs .strict(), exit 2).
 */
import type { Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import {
  AUTO_DEFAULTS, DEFAULT_BATCH, DEFAULT_BINS, DEFAULT_TTA, DEFAULT_DEVICE, DEFAULT_DROPOUT, DEFAULT_MAP_SIZE, DEFAULT_MAX_PIXELS, DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_SHARD_BY,
  DEFAULT_THREADS, LIMIT_DEFAULTS,
} from '../lib/defaults';
import { MAP_PER_FLIP } from '../lib/engine/convergence';
import { parseByteSize } from '../lib/server/options';
import { DEVICES } from '../lib/engine/session';
import { TTA_MODES, type Tta } from '../lib/engine/flip';
import type { Device } from '../lib/engine/types';
import type { SegmenterOptions } from '../lib/engine/segmenter';
import { resolveShard, SHARD_BY, type ShardBy, type ShardSpec } from '../lib/shard/spec';

/** The model and how it runs: every command that loads one (report, calibrate, samples, audit, serve). */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types
export function modelFlags<T>(y: Argv<T>) {
  return y
    .option('model', { type: 'string', describe: 'ONNX model [default: the shipped Bayesian SegNet]' })
    .option('card', { type: 'string', describe: 'model card JSON [default: the .json beside the model]' })
    .option('device', { choices: DEVICES as Device[], default: DEFAULT_DEVICE as Device, describe: 'execution provider' })
    .option('threads', { type: 'number', default: DEFAULT_THREADS, describe: 'intra-op threads (0: ONNX Runtime decides)' })
    .option('batch', { type: 'number', describe: `samples per session run [default: ${DEFAULT_BATCH.cpu} on cpu (measured, bench/RESULTS.md), ${DEFAULT_BATCH.cuda} on cuda, ${DEFAULT_BATCH.webgpu} on webgpu]` })
    .option('max-memory', { type: 'string', describe: "memory the batch's estimated suffix activations may take, e.g. 4GB; a larger --batch is refused [default: half the RAM]" })
    .option('dropout-rate', { type: 'number', describe: 'override every dropout rate, in (0, 1)' })
    .option('dropout-at', { type: 'string', array: true, describe: 'inject MC dropout after TENSOR[:p] (repeatable)' })
    .option('dropout', { choices: ['mc', 'off'] as const, default: DEFAULT_DROPOUT as 'mc' | 'off', describe: "'off': dropout removed, one deterministic pass (weight averaging), for comparison" })
    .option('strict', { type: 'boolean', default: false, describe: 'refuse models without dropout' })
    .option('tta', { choices: TTA_MODES as Tta[], default: DEFAULT_TTA as Tta, describe: "test-time augmentation: 'flip' runs odd-numbered MC samples on the mirrored image (one more prefix pass)" })
    .option('max-pixels', { type: 'number', default: DEFAULT_MAX_PIXELS, describe: 'refuse larger images (decompression bombs)' });
}

/** A run over image files and folders (report, calibrate, samples, audit): the mask seed, sub-folders, progress. */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types
export function runFlags<T>(y: Argv<T>) {
  return y
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'seed of the dropout masks (same seed, same numbers)' })
    .option('recursive', { alias: 'r', type: 'boolean', default: false, describe: 'descend into sub-folders' })
    .option('force', { type: 'boolean', default: false, describe: 'write into an --out folder that holds files segnet-uq did not write (refused otherwise)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress bar or progress lines (warnings and errors still print)' });
}

/** --samples N or auto, with the auto rule's flags and the limit (report, calibrate, audit). */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types
export function samplesFlags<T>(y: Argv<T>) {
  return autoFlags(y.option('samples', {
    alias: 'n', type: 'string', default: String(DEFAULT_SAMPLES), coerce: parseSamplesFlag,
    describe: "MC dropout samples per image, 'auto': sample each image until its maps converge (--tolerance, --max-samples), or 'analytic': no sampling, dropout's mean and variance propagated in one pass (approximate; bench/RESULTS.md)",
  }));
}

/** --tolerance, --max-samples of --samples auto, and --samples-limit (samplesFlags; samples, which has its own --samples). */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types
export function autoFlags<T>(y: Argv<T>) {
  return y
    .option('tolerance', { type: 'number', describe: `with --samples auto: most share of pixels whose class more samples could still decide (ties at --max-samples count as decided-uncertain); ${MAP_PER_FLIP}x it bounds the relative change of the entropy and MI maps per ${AUTO_DEFAULTS.step} samples [default: ${AUTO_DEFAULTS.tolerance}]` })
    .option('max-samples', { type: 'number', describe: `with --samples auto: most samples per image [default: ${AUTO_DEFAULTS.maxSamples}]` })
    .option('samples-limit', { type: 'number', default: LIMIT_DEFAULTS.samplesLimit, describe: 'most samples per image --samples or --max-samples may ask for (raise on purpose)' });
}

/** --map-size of report, calibrate and audit */
export const MAP_SIZE_OPTION = {
  type: 'number', describe: `longest side of the maps and overlays written per image (smaller images keep their size) [default: ${DEFAULT_MAP_SIZE}]`,
} as const;

/** --scale of report, calibrate and audit */
export const SCALE_OPTION = {
  type: 'string', describe: "heatmap colour ranges: 'fixed' (each map's full range, images compare) or 'image' (0 to each image's max) [default: fixed]",
} as const;

/** --images / --no-images of the commands that write a report (report, calibrate, audit). */
export const IMAGES_OPTION = {
  type: 'boolean', default: true, describe: "write each image's maps and HTML section (--no-images: the numbers only, faster)",
} as const;

/** --save-maps [probs] of report and calibrate: '' when given bare. */
export const SAVE_MAPS_OPTION = {
  type: 'string', describe: "write each image's maps as NumPy .npy at its resolution (predicted, confidence, entropy, MI, variance); 'probs' adds the mean probabilities",
} as const;

/** --conformal FILE of report, calibrate, audit and serve */
export const CONFORMAL_OPTION = {
  type: 'string', describe: "a conformal.json from 'segnet-uq conformal' (same model, --samples and --seed): per-image prediction sets, set-size maps, coverage with labels",
} as const;

/** --bins of calibrate, samples and audit */
export const BINS_OPTION = { type: 'number', default: DEFAULT_BINS, describe: 'equal-width confidence bins (ECE, reliability diagram)' } as const;

/** yargs check: numeric flags that did not parse are usage errors. */
export function checkNumbers(argv: Record<string, unknown>): true {
  for (const key of ['shards', 'tolerance', 'max-samples', 'samples-limit', 'seed', 'threads', 'batch', 'max-pixels', 'dropout-rate', 'ignore-index']) {
    const v = argv[key];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw new Error(`--${key} must be a number, got '${String(v)}'`);
  }
  return true;
}

/** One-letter aliases of the shared flags, for typedFlags. */
const ALIASES: Readonly<Record<string, string>> = { n: 'samples', r: 'recursive', q: 'quiet', o: 'out' };

/**
 * Which of `names` the user typed on the command line (--name, --name=V, --no-name, --camelName or
 * a one-letter alias), as yargs' argv cannot tell a typed value from a default.
 */
export function typedFlags(names: readonly string[], args: readonly string[] = hideBin(process.argv)): string[] {
  const typed = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    const long = /^--([^=]+)/.exec(arg);
    if (long) {
      const name = long[1].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      typed.add(name.startsWith('no-') && names.includes(name.slice(3)) ? name.slice(3) : name);
    } else if (/^-[a-zA-Z]+$/.test(arg)) for (const c of arg.slice(1)) typed.add(ALIASES[c] ?? c);
  }
  return names.filter((n) => typed.has(n));
}

/** The SegmenterOptions part of parsed engine flags. */
export function segmenterOptions(argv: Record<string, unknown>): SegmenterOptions {
  return {
    model: argv.model as string | undefined, card: argv.card as string | undefined, device: argv.device as Device,
    threads: argv.threads as number, batch: argv.batch as number | undefined, dropoutRate: argv['dropout-rate'] as number | undefined,
    dropoutAt: argv['dropout-at'] as string[] | undefined, dropout: argv.dropout as 'mc' | 'off', strict: argv.strict as boolean, maxPixels: argv['max-pixels'] as number, tta: argv.tta as Tta,
    maxMemory: argv['max-memory'] === undefined ? undefined : parseByteSize('--max-memory', argv['max-memory'] as string),
  };
}

/** --samples: 'auto', 'analytic' or a number (a usage error otherwise; the range is checked by the command). */
function parseSamplesFlag(value: unknown): number | 'auto' | 'analytic' {
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  if (v === 'auto' || v === 'analytic') return v;
  const n = Number(v);
  if (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(n))) return n;
  throw new Error(`--samples must be a number, 'auto' or 'analytic', got '${String(v)}'`);
}

/** The samples part of parsed engine flags (report, calibrate, audit). */
export function sampleOptions(argv: Record<string, unknown>): { samples: number | 'auto' | 'analytic'; tolerance?: number; maxSamples?: number; samplesLimit?: number } {
  return { samples: argv.samples as number | 'auto' | 'analytic', tolerance: argv.tolerance as number | undefined, maxSamples: argv['max-samples'] as number | undefined,
    samplesLimit: argv['samples-limit'] as number | undefined };
}

/** --shard i/n, --shards n, --shard-by (report, calibrate, samples, audit). */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types
export function shardFlags<T>(y: Argv<T>) {
  return y
    .option('shard', { type: 'string', describe: 'run shard INDEX/COUNT (0-based, e.g. 0/4) of the images [default: from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or SHARD_INDEX; --no-shard ignores them]' })
    .option('shards', { type: 'number', describe: 'shard count when only the index comes from the environment (JOB_COMPLETION_INDEX)' })
    .option('shard-by', { choices: SHARD_BY as ShardBy[], default: DEFAULT_SHARD_BY as ShardBy, describe: 'assign images by their path under the input root, or by their content' });
}

/** The shard of parsed shard flags (null when none); says on stderr which one and from where. */
export function shardOf(argv: Record<string, unknown>): ShardSpec | null {
  const shard = resolveShard({
    shard: typeof argv.shard === 'string' ? argv.shard : undefined, shards: argv.shards as number | undefined,
    by: argv['shard-by'] as ShardBy | undefined, ignoreEnv: argv.shard === false,
  });
  if (shard) process.stderr.write(`segnet-uq: shard ${shard.index}/${shard.count} (from ${shard.source}), assigned by ${shard.by}\n`);
  return shard;
}
