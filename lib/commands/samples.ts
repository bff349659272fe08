/**
 * `segnet-uq samples`: how many MC dropout samples are worth paying for. One nested sweep per
 * image: masks are keyed by sample index (lib/engine/masks.ts), so the first k samples of the
 * largest run are the N=k run, and a snapshot of the accumulator at each count gives every
 * count for about the cost of the largest.
 */
import { DEFAULT_BINS, DEFAULT_DEVICE, DEFAULT_SAMPLE_COUNTS } from '../defaults';
import { checkSamplesLimit } from '../engine/limits';
import { checkCounts } from '../engine/sample-counts';
import { Segmenter } from '../engine/segmenter';
import { fileHeader } from '../report/file-header';
import { SAMPLES_SCHEMA_VERSION, type SamplesResult } from '../report/formats';
import { withLockedOut } from '../report/out-lock';
import { writeSamplesOutputs } from '../report/samples-files';
import type { ReportError } from '../report/summary';
import { checkRunOptions } from '../run/check-options';
import { processImage } from '../run/image-step';
import { runPipeline } from '../run/pipeline';
import { SamplesSweep } from '../run/samples-sweep';
import type { ShardSpec } from '../shard';
import { writeSamplesShard } from '../shard/samples-shard';
import { listRunInputs } from '../shard/run-inputs';
import { checkBins } from '../validate';
import { recordFailure, type ImageRunOptions, type RunEvent } from './run-options';

export interface SamplesOptions extends ImageRunOptions<SamplesEvent> {
  /** sample counts, each >= 1 [default: DEFAULT_SAMPLE_COUNTS]; sorted and de-duplicated */
  readonly counts?: readonly number[];
  /** folder of label PNGs named like the images: adds mIoU, accuracy and ECE */
  readonly labels?: string;
  /** [DEFAULT_BINS] equal-width ECE bins */
  readonly bins?: number;
  /** output folder for samples.json and the charts (nothing is written without it); made before the model loads */
  readonly out?: string;
  /** this run's part of the images (lib/shard): needs `out`, where shard.json and samples-stats.json go */
  readonly shard?: ShardSpec | null;
  /** 'auto': add a row where lib/engine/convergence.ts decides N per image, from the same samples (a number is ignored: --counts decide) */
  readonly samples?: number | 'auto';
}

export type SamplesEvent = RunEvent;

export async function runSamples(options: SamplesOptions): Promise<SamplesResult> {
  // the options are checked before --out is made and locked (lib/report/out-lock.ts), and that
  // before the model loads: a usage error leaves no empty OUT behind
  const checked = checkSamplesOptions(options);
  if (options.out === undefined) return samplesInto(null, options, checked);
  return withLockedOut(options.out, 'samples', (out) => samplesInto(out, options, checked), { force: options.force });
}

type CheckedSamples = ReturnType<typeof checkSamplesOptions>;

function checkSamplesOptions(options: SamplesOptions) {
  const counts = checkCounts(options.counts ?? DEFAULT_SAMPLE_COUNTS);
  checkSamplesLimit(counts[counts.length - 1], options.samplesLimit);
  // report's checks of the engine and label options; a fixed --samples is ignored here: --counts decide
  const run = checkRunOptions({ ...options, samples: options.samples === 'auto' ? 'auto' : counts[counts.length - 1] });
  const auto = typeof run.samples === 'object' ? run.samples : null;
  if (auto && options.shard) throw new RangeError('--samples auto cannot be combined with --shard: merge does not combine auto rows; run it without --shard');
  const bins = checkBins('--bins', options.bins ?? DEFAULT_BINS);
  if (options.shard && options.out === undefined) throw new RangeError('--shard needs --out: the shard folder is what merge reads');
  return { counts, auto, seed: run.seed, bins };
}

async function samplesInto(out: string | null, options: SamplesOptions, checked: CheckedSamples): Promise<SamplesResult> {
  const { counts, auto, seed, bins } = checked;
  const listing = listRunInputs(options.inputs, { recursive: options.recursive, out, shard: options.shard, maxPixels: options.maxPixels });
  const segmenter = await Segmenter.create(options);
  const card = segmenter.card;
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex;
  const labels = options.labels ? { dir: options.labels, card, ignoreIndex, maxPixels: options.maxPixels } : undefined;
  const errors: ReportError[] = [...listing.errors];
  const sweep = new SamplesSweep(counts, auto, { numClasses: card.classes.length, bins, ignoreIndex, keepImages: Boolean(options.shard) });
  const emit = options.onEvent ?? ((): void => undefined);
  emit({ type: 'start', total: listing.files.length, warnings: segmenter.warnings, info: segmenter.info });
  try {
    await runPipeline(segmenter, listing.files, {
      run: (prepared, i) => processImage(segmenter, prepared, {
        samples: auto ?? counts[counts.length - 1], seed, snapshots: counts, labels,
        onProgress: (done, total) => emit({ type: 'sample', index: i, file: prepared.file, done, total }),
      }),
      finish: (prepared, i, processed) => {
        if (processed.labelError) errors.push(processed.labelError);
        sweep.add(processed);
        emit({ type: 'image', index: i, file: prepared.file, ok: true });
      },
      maxPixels: options.maxPixels,
      onFailure: recordFailure(errors, emit),
    });
  } finally {
    await segmenter.release();
  }
  const autoRow = sweep.autoRow();
  const result: SamplesResult = {
    ...fileHeader(SAMPLES_SCHEMA_VERSION),
    model: { path: segmenter.modelPath, name: card.name, deterministic: segmenter.compiled.deterministic },
    counts, seed, batch: segmenter.sampler.batch, device: options.device ?? DEFAULT_DEVICE,
    ...sweep.totals, rows: sweep.rows(), ...(autoRow ? { auto: autoRow } : {}), errors, warnings: segmenter.warnings,
    ...(out ? { charts: { quality: 'samples.png', uncertainty: 'samples-uncertainty.png' } } : {}),
  };
  if (out) writeSamplesOutputs(out, result);
  if (out && options.shard) writeSamplesShard(out, options, segmenter, listing, sweep.perImage, sweep.perCount, result, bins, ignoreIndex ?? null);
  return result;
}
