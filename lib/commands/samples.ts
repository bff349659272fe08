/**
 * `segnet-uq samples`: how many MC dropout samples are worth paying for. One nested sweep per
 * image: masks are keyed by sample index (lib/engine/masks.ts), so the first k samples of the
 * largest run are the N=k run, and a snapshot of the accumulator at each count gives every
 * count for about the cost of the largest.
 */
import { checkSamplesLimit } from '../engine/limits';
import { DEFAULT_BINS, DEFAULT_DEVICE, DEFAULT_SAMPLE_COUNTS, DEFAULT_SEED } from '../defaults';
import { withLockedOut } from '../report/out-lock';
import type { MetricImageInput } from '../metrics/types';
import type { MapsSnapshot } from '../engine/types';
import { Segmenter } from '../engine/segmenter';
import { addToCalibration, createCalibrationStats } from '../metrics/calibration-stats';
import { addToConfusion, createConfusion } from '../metrics/confusion';
import type { ReportError } from '../report/summary';
import { processImage } from '../run/image-step';
import { metricInput } from '../run/labels';
import { runPipeline } from '../run/pipeline';
import { checkInteger, parseInteger } from '../validate';
import type { ImageRunOptions, RunEvent } from './run-options';
import { writeSamplesOutputs } from '../report/samples-files';
import { listRunInputs } from '../shard/run-inputs';
import { addCountValues, countRows, writeSamplesShard, type CountAccumulator, type ImageCountValues, type ShardSpec } from '../shard';
import { fileHeader } from '../report/file-header';
import { SAMPLES_SCHEMA_VERSION, type SamplesAutoRow, type SamplesResult } from '../report/formats';
import { checkSampleCount, MAX_SAMPLES, resolveSampleCount, type AutoSamples } from '../engine/convergence';

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

/** Sorted, unique counts; each a sample count (1..MAX_SAMPLES). */
export function checkCounts(counts: readonly number[]): number[] {
  if (!Array.isArray(counts) || counts.length === 0) throw new RangeError(`--counts must list at least one sample count, got ${JSON.stringify(counts)}`);
  for (const c of counts) checkSampleCount('--counts', c);
  return [...new Set(counts)].sort((a, b) => a - b);
}

/** "1,2,5" -> [1, 2, 5]; throws naming the bad entry. */
export function parseCounts(text: string): number[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => parseInteger(`--counts '${text}': each`, s, 1, MAX_SAMPLES));
}

function sumOf(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

function agreementCount(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) n++;
  return n;
}

/** The table the CLI prints. */
export function formatSamplesTable(result: SamplesResult): string {
  const f = (v: number | null, d = 4): string => (v === null ? '–' : v.toFixed(d));
  const head = ['N', 'mIoU', 'accuracy', 'ECE', 'entropy', 'MI', 'agreement', 'ms/image'];
  const all = result.auto ? [...result.rows, result.auto] : result.rows;
  const rows = all.map((r) => [r === result.auto ? `auto (mean ${r.samples.toFixed(1)})` : String(r.samples), f(r.meanIoU), f(r.globalAccuracy), f(r.ece), f(r.meanEntropy),
    f(r.meanMutualInformation, 5), f(r.agreement), f(r.msPerImage, 0)]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export async function runSamples(options: SamplesOptions): Promise<SamplesResult> {
  // --out is made and locked before the model loads (lib/report/out-lock.ts)
  if (options.out === undefined) return samplesInto(null, options);
  return withLockedOut(options.out, 'samples', (out) => samplesInto(out, options));
}

async function samplesInto(out: string | null, options: SamplesOptions): Promise<SamplesResult> {
  const counts = checkCounts(options.counts ?? DEFAULT_SAMPLE_COUNTS);
  checkSamplesLimit(counts[counts.length - 1], options.samplesLimit);
  const auto = autoOf(options);
  if (auto) checkSamplesLimit(auto, options.samplesLimit);
  if (auto && options.shard) throw new RangeError('--samples auto cannot be combined with --shard: merge does not combine auto rows; run it without --shard');
  const seed = checkInteger('--seed', options.seed ?? DEFAULT_SEED, 0, 0xffffffff);
  const bins = checkInteger('--bins', options.bins ?? DEFAULT_BINS, 1, 1000);
  if (options.shard && !out) throw new RangeError('--shard needs --out: the shard folder is what merge reads');
  const listing = listRunInputs(options.inputs, { recursive: options.recursive, out, shard: options.shard, maxPixels: options.maxPixels });
  const perImage: ImageCountValues[] = [];
  const segmenter = await Segmenter.create(options);
  const card = segmenter.card;
  const numClasses = card.classes.length;
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex;
  const labels = options.labels ? { dir: options.labels, card, ignoreIndex, maxPixels: options.maxPixels } : undefined;
  const errors: ReportError[] = listing.errors.map((e) => ({ file: e.file, message: e.message }));
  const accumulator = (): CountAccumulator => ({
    confusion: createConfusion(numClasses), calibration: createCalibrationStats(numClasses, { bins }),
    entropy: 0, mi: 0, agree: 0, pixels: 0, ms: 0,
  });
  const perCount: CountAccumulator[] = counts.map(accumulator);
  // the auto row is one more accumulator, fed the maps where the rule stopped
  const rowAccs = auto ? [...perCount, accumulator()] : perCount;
  const autoN: { file: string; samples: number }[] = [];
  let images = 0;
  let labelledImages = 0;
  const emit = options.onEvent ?? ((): void => undefined);
  emit({ type: 'start', total: listing.files.length, warnings: segmenter.warnings, info: segmenter.info });
  try {
    await runPipeline(segmenter, listing.files, {
      run: (prepared, i) => processImage(segmenter, prepared, {
        samples: auto ?? counts[counts.length - 1], seed, snapshots: counts, labels,
        onProgress: (done, total) => emit({ type: 'sample', index: i, file: prepared.file, done, total }),
      }),
      finish: (prepared, i, processed) => {
        const result = processed.result;
        const sweep = [...result.snapshots as readonly MapsSnapshot[], ...(auto ? [result.stop as MapsSnapshot] : [])];
        const maps = sweep.map((x) => x.maps);
        const last = maps[counts.length - 1].predicted;
        if (processed.labelError) errors.push(processed.labelError);
        // the step scored the label once (a bad value leaves no count half-updated); each count
        // is then scored at the label's resolution
        const labelled = processed.labelled;
        const scored: MetricImageInput[] | null = labelled ? maps.map((m) => metricInput(m, labelled.label).input) : null;
        const values = maps.map((m, j) => ({
          entropy: sumOf(m.predictiveEntropy), mi: sumOf(m.mutualInformation), agree: agreementCount(m.predicted, last),
          pixels: m.predicted.length, ms: sweep[j].ms,
        }));
        if (options.shard) perImage.push({ file: prepared.file, sha256: result.digest, values });
        if (auto) autoN.push({ file: prepared.file, samples: maps[counts.length].samples });
        rowAccs.forEach((acc, j) => {
          addCountValues(acc, values[j]);
          if (scored) {
            addToConfusion(acc.confusion, scored[j].labels, scored[j].predicted, ignoreIndex);
            addToCalibration(acc.calibration, scored[j], ignoreIndex);
          }
        });
        images++;
        if (scored) labelledImages++;
        emit({ type: 'image', index: i, file: prepared.file, ok: true });
      },
      maxPixels: options.maxPixels,
      onFailure: (f) => {
        errors.push({ file: f.file, message: f.message });
        emit({ type: 'image', index: f.index, file: f.file, ok: false, message: f.message });
      },
    });
  } finally {
    await segmenter.release();
  }
  const rows = countRows(counts, perCount, images, labelledImages);
  let autoRow: SamplesAutoRow | undefined;
  if (auto) {
    const meanSamples = autoN.length ? autoN.reduce((s, x) => s + x.samples, 0) / autoN.length : 0;
    autoRow = { ...countRows([meanSamples], [rowAccs[counts.length]], images, labelledImages)[0], settings: auto, meanSamples, perImage: autoN };
  }
  const result: SamplesResult = {
    ...fileHeader(SAMPLES_SCHEMA_VERSION),
    model: { path: segmenter.modelPath, name: card.name, deterministic: segmenter.compiled.deterministic },
    counts, seed, batch: segmenter.sampler.batch, device: options.device ?? DEFAULT_DEVICE,
    images, labelledImages, rows, ...(autoRow ? { auto: autoRow } : {}), errors, warnings: segmenter.warnings,
    ...(out ? { charts: { quality: 'samples.png', uncertainty: 'samples-uncertainty.png' } } : {}),
  };
  if (out) writeSamplesOutputs(out, result);
  if (out && options.shard) writeSamplesShard(out, options, segmenter, listing, perImage, perCount, result, bins, ignoreIndex ?? null);
  return result;
}

function autoOf(options: SamplesOptions): AutoSamples | null {
  if (options.samples === 'auto') return resolveSampleCount('auto', options.tolerance, options.maxSamples) as AutoSamples;
  if (options.tolerance !== undefined || options.maxSamples !== undefined) throw new RangeError('--tolerance and --max-samples need --samples auto');
  return null;
}

export { writeSamplesOutputs };
