/**
 * `segnet-uq report`: MC-dropout uncertainty maps for every image, an HTML report and
 * summary.json; with labels, accuracy metrics from a streamed confusion matrix. One bad image
 * is recorded in `errors` and the run goes on; summary.json is rewritten (atomically) after
 * every image so an interrupted run still says what finished.
 */
import { createHash } from 'crypto';
import { statSync } from 'fs';
import * as path from 'path';
import { describeSampleCount, resolveSampleCount } from '../engine/convergence';
import { checkSamplesLimit } from '../engine/limits';
import type { ModelCard } from '../model/types';
import { DEFAULT_BATCH, Segmenter, SegmenterOptions } from '../engine/segmenter';
import { checkDevice, checkThreads } from '../engine/session';
import { resolveModel } from '../model/card';
import { createConfusion } from '../metrics/confusion';
import { addCounts, labelMetrics } from '../report/label-metrics';
import { insideOutput, removeStaleTemporaries, safeOutputName, writeFileAtomic } from '../atomic';
import { prepareOutDir } from '../report/out-dir';
import { acquireOutLock } from '../report/out-lock';
import { reportHtml } from '../report/html';
import { writeOverview } from '../report/overview';
import { writeColorBar, writeImageOutputs } from '../report/image-outputs';
import { checkSaveMaps, writeNpyMaps, type SaveMaps } from '../report/npy-outputs';
import { meanOf, resizeMaps } from '../report/resize-maps';
import { reviewFields } from '../report/review';
import type { LabelledImage } from '../run/types';
import { previousImages, reusable, sha256File } from '../report/resume';
import { ReportError, ReportImage, ReportImageOutputs, ReportSettings, ReportSummary, SCHEMA_VERSION } from '../report/summary';
import { describeFsError } from '../errors';
import { labelPathFor, listInputs, maxImageBytes, readInputFile } from './inputs';
import { scoreAgainstLabel, type LabelledOutcome } from './score-label';
import { runPipeline } from './pipeline';
import { checkInteger, checkRate } from './options';
import { fileHeader } from '../report/file-header';
import { selectShard, writeShardManifest, type ShardSpec } from '../shard';

export interface ReportOptions extends SegmenterOptions {
  /** image files and folders */
  readonly inputs: readonly string[];
  /** output folder [default: 'reports/latest'] */
  readonly out?: string;
  /** MC samples per image, or 'auto' (lib/engine/convergence.ts) [default: 20] */
  readonly samples?: number | 'auto';
  /** with samples 'auto': the stopping rule's tolerance [default: AUTO_DEFAULTS.tolerance] */
  readonly tolerance?: number;
  /** with samples 'auto': most samples per image [default: AUTO_DEFAULTS.maxSamples] */
  readonly maxSamples?: number;
  /** [10000] most samples per image --samples (or --max-samples) may ask for (lib/engine/limits.ts) */
  readonly samplesLimit?: number;
  /** seed of the dropout masks [default: 0] */
  readonly seed?: number;
  /** folder of label PNGs named like the images */
  readonly labels?: string;
  /** label value ignored in metrics [default: the card's ignoreIndex] */
  readonly ignoreIndex?: number;
  readonly recursive?: boolean;
  /** write each image's maps, overlay and HTML section; false keeps the numbers only (faster) [default: true] */
  readonly images?: boolean;
  /** [DISPLAY_MAX_SIDE=960] longest side of the maps and overlays written per image (smaller images keep their size) */
  readonly mapSize?: number;
  /** write each image's maps as .npy at its resolution ('probs': also the mean probabilities) [default: none] */
  readonly saveMaps?: SaveMaps;
  /**
   * [false] re-use the images OUT/summary.json lists as finished when their content hash and the
   * settings (model and card hashes, samples, seed, temperature, dropout, device, labels) match
   */
  readonly resume?: boolean;
  /** when aborted, the sampling stops after the current chunk, then summary.json is written with complete: false (the unfinished image left out) */
  readonly signal?: AbortSignal;
  /** events for a progress display; the library never prints */
  readonly onEvent?: (event: ReportEvent) => void;
  /** this run's part of the images (lib/shard): OUT/shard.json then records it for `merge` */
  readonly shard?: ShardSpec | null;
}

export type ReportEvent =
  | { type: 'start'; total: number; warnings: readonly string[]; info?: readonly string[] }
  | { type: 'sample'; index: number; file: string; done: number; total: number }
  | { type: 'image'; index: number; file: string; ok: boolean; message?: string; resumed?: boolean };

export const DEFAULT_SAMPLES = 20;

/** Extension points of runReportWith; runReport uses none. */
export interface ReportHooks {
  /** before the first image */
  readonly onStart?: (context: { readonly card: ModelCard; readonly ignoreIndex: number | undefined; readonly modelPath: string; readonly cardPath: string }) => void;
  /**
   * each labelled image, before its counts join the report's confusion matrix; a throw records
   * an error for the label and leaves the image out of the label metrics
   */
  readonly onLabelled?: (image: LabelledImage) => void;
  /** HTML sections after the image table, built once the run is over */
  readonly sections?: (summary: ReportSummary) => readonly string[];
}

/** Checks every number and name of the options before any work, naming the flag and the value. */
function checkReportOptions(options: ReportOptions): void {
  if (options.dropoutRate !== undefined) checkRate('--dropout-rate', options.dropoutRate);
  if (options.device !== undefined) checkDevice(options.device);
  if (options.threads !== undefined) checkThreads(options.threads);
  if (options.batch !== undefined) checkInteger('--batch', options.batch, 1, 4096);
  if (options.mapSize !== undefined) checkInteger('--map-size', options.mapSize, 16, 16384);
  if (options.maxPixels !== undefined) checkInteger('--max-pixels', options.maxPixels, 1, 2 ** 31);
  if (options.ignoreIndex !== undefined) checkInteger('--ignore-index', options.ignoreIndex, 0, 255);
  const t = options.temperature;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)) {
    throw new RangeError(`--temperature must be a positive number, got ${JSON.stringify(t)}`);
  }
  if (options.labels !== undefined) {
    let dir = false;
    try {
      dir = statSync(options.labels).isDirectory();
    } catch (err) {
      throw new RangeError(`--labels ${options.labels}: ${describeFsError(err)}`);
    }
    if (!dir) throw new RangeError(`--labels ${options.labels}: not a folder`);
  }
}

export async function runReport(options: ReportOptions): Promise<ReportSummary> {
  return runReportWith(options, {});
}

/**
 * runReport with extension points: the loop, files and summary of the report, plus the hooks' work.
 * The output folder is made (lib/report/out-dir.ts) and locked (out-lock.ts) before the model loads.
 */
export async function runReportWith(options: ReportOptions, hooks: ReportHooks): Promise<ReportSummary> {
  const out = prepareOutDir(options.out ?? path.join('reports', 'latest'));
  const lock = acquireOutLock(out, 'report');
  try {
    return await reportInLockedFolder({ ...options, out }, hooks, lock.warning ? [lock.warning] : []);
  } finally {
    lock.release();
  }
}

async function reportInLockedFolder(options: ReportOptions, hooks: ReportHooks, outWarnings: readonly string[]): Promise<ReportSummary> {
  if (options.resume && hooks.onLabelled) throw new RangeError('--resume is not supported here: every image must be sampled again to stream its statistics');
  const samples = resolveSampleCount(options.samples ?? DEFAULT_SAMPLES, options.tolerance, options.maxSamples);
  checkSamplesLimit(samples, options.samplesLimit);
  const samplesSetting = describeSampleCount(samples);
  const seed = checkInteger('--seed', options.seed ?? 0, 0, 0xffffffff);
  checkReportOptions(options);
  const maxPixels = options.maxPixels ?? 40_000_000;
  const writeImages = options.images ?? true;
  const saveMaps = checkSaveMaps(options.saveMaps);
  const out = path.resolve(options.out ?? path.join('reports', 'latest'));
  const all = listInputs(options.inputs, { recursive: options.recursive, exclude: [out] });
  if (all.files.length === 0 && all.errors.length === 0) {
    throw new RangeError(`no PNG or JPEG images found in ${options.inputs.join(', ')}`);
  }
  const listing = selectShard(all, options.inputs, options.shard, (f) => readInputFile(f, maxImageBytes(maxPixels)));
  const resolved = resolveModel(options.model, options.card);
  const segmenter = await Segmenter.create(options);
  const card = segmenter.card;
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex;
  const device = options.device ?? 'cpu';
  const temperature = options.temperature ?? card.temperature ?? 1;
  const dropoutPoints = segmenter.compiled.points.map((p) => ({ tensor: p.tensor, rate: p.rate }));
  const settings: ReportSettings = {
    model: { path: resolved.modelPath, sha256: sha256File(resolved.modelPath) },
    card: { path: resolved.cardPath, sha256: sha256File(resolved.cardPath) },
    samples: samplesSetting, seed, temperature, dropoutPoints, device,
    labels: options.labels ? path.resolve(options.labels) : null, ignoreIndex: ignoreIndex ?? null,
  };
  let previous: Map<string, ReportImage>;
  let takenIds: ReadonlySet<string>;
  try {
    previous = options.resume ? previousImages(out, settings) : new Map();
    takenIds = new Set(options.resume ? listing.files.map((f, i) => safeOutputName(i, f)) : []);
  } catch (err) {
    await segmenter.release();
    throw err;
  }
  try {
    hooks.onStart?.({ card, ignoreIndex, modelPath: resolved.modelPath, cardPath: resolved.cardPath });
  } catch (err) {
    await segmenter.release();
    throw err;
  }
  const images: ReportImage[] = [];
  const errors: ReportError[] = [...listing.errors];
  const confusion = createConfusion(card.classes.length);
  removeStaleTemporaries(out);
  const colorBar = writeColorBar(out);
  const emit = options.onEvent ?? ((): void => undefined);
  const warnings = [...outWarnings, ...listing.excluded.map((d) => `${d}: skipped, it is the output folder (or inside it)`), ...segmenter.warnings];
  emit({ type: 'start', total: listing.files.length, warnings, info: segmenter.info });

  const summaryOf = (complete: boolean): ReportSummary => ({
    ...fileHeader(SCHEMA_VERSION),
    complete,
    model: {
      path: segmenter.modelPath, name: card.name, deterministic: segmenter.compiled.deterministic,
      dropoutPoints, inputWidth: card.input.width, inputHeight: card.input.height, temperature,
    },
    samples: samplesSetting, seed, batch: segmenter.sampler.batch, device,
    images, errors, warnings, settings,
    ...(options.labels && images.some((i) => i.metrics) ? { metrics: labelMetrics(confusion, card.classes.map((c) => c.name)) } : {}),
  });
  // summary.json is rewritten after each image, but never spending more than about a tenth of
  // the run on it (a long run's summary grows): at most the last few images are missing from it
  // after a crash, and --resume redoes them.
  let lastWrite = 0, lastWriteMs = 0;
  const writeSummary = (complete: boolean): ReportSummary => {
    const t0 = performance.now();
    const s = summaryOf(complete);
    writeFileAtomic(insideOutput(out, 'summary.json'), JSON.stringify(s, null, 2) + '\n');
    lastWrite = performance.now();
    lastWriteMs = lastWrite - t0;
    return s;
  };
  const progressSummary = (): void => {
    if (performance.now() - lastWrite >= 10 * lastWriteMs) writeSummary(false);
  };

  let completed = false;
  try {
    completed = await runPipeline(segmenter, listing.files, {
      maxPixels,
      stop: () => Boolean(options.signal?.aborted),
      reuse: options.resume ? (file, index, bytes) => {
        const entry = previous.get(file);
        if (!entry) return undefined; // a new image: the segmenter hashes it once, when it prepares it
        const digest = createHash('sha256').update(bytes).digest('hex');
        return reusable(entry, digest, safeOutputName(index, file), takenIds, out, Boolean(options.labels), writeImages, saveMaps) ? entry : undefined;
      } : undefined,
      onReused: (entry, i) => {
        images.push(entry);
        if (entry.metrics?.confusion) addCounts(confusion, entry.metrics.confusion);
        emit({ type: 'image', index: i, file: entry.file, ok: true, resumed: true });
      },
      onFailure: ({ index, file, message }) => {
        errors.push({ file, message });
        emit({ type: 'image', index, file, ok: false, message });
      },
      run: (prepared, i) => segmenter.sample(prepared, {
        samples, seed, onProgress: (done, total) => {
          // thrown between chunks: a stop waits for the chunk, not the image (the image is left out, --resume redoes it)
          if (options.signal?.aborted) throw new Error('stopped');
          emit({ type: 'sample', index: i, file: prepared.file, done, total });
        },
      }),
      finish: (prepared, i, result) => {
        try {
          const id = safeOutputName(i, prepared.file);
          const png = writeImages ? writeImageOutputs(out, id, result.image, result.maps, card, options.mapSize) : null;
          const npy = saveMaps ? writeNpyMaps(out, id, resizeMaps(result.maps, result.image.width, result.image.height), saveMaps) : undefined;
          const files = png || npy ? { outputs: { ...png?.outputs, ...(npy ? { npy } : {}) } as ReportImageOutputs, ...(png ? { ranges: png.ranges } : {}) } : {};
          let labelled: LabelledOutcome = {};
          if (options.labels) {
            const labelFile = labelPathFor(prepared.file, options.labels);
            labelled = labelFile ? scoreAgainstLabel(result, labelFile, card, ignoreIndex, maxPixels, confusion, prepared.file, hooks.onLabelled)
              : { error: { file: prepared.file, message: `no label named like it in ${options.labels}` } };
          }
          if (labelled.error) errors.push(labelled.error);
          const m = result.maps;
          images.push({
            id, file: prepared.file, sha256: result.digest, width: result.image.width, height: result.image.height,
            format: prepared.format, orientation: prepared.orientation, meanEntropy: meanOf(m.predictiveEntropy), meanExpectedEntropy: meanOf(m.expectedEntropy),
            meanMutualInformation: meanOf(m.mutualInformation), meanVariance: meanOf(m.meanVariance),
            meanConfidence: meanOf(m.confidence), samples: m.samples, ms: result.ms, ...files, ...reviewFields(m),
            ...(labelled.metrics ? { metrics: labelled.metrics } : {}),
          });
          progressSummary();
          emit({ type: 'image', index: i, file: prepared.file, ok: true });
        } catch (err) {
          errors.push({ file: prepared.file, message: `writing outputs failed: ${(err as Error).message}` });
          emit({ type: 'image', index: i, file: prepared.file, ok: false, message: (err as Error).message });
        }
      },
    });
  } finally {
    await segmenter.release();
  }
  const summary = writeSummary(completed);
  if (options.shard) writeShardManifest(out, options.shard, options.inputs, listing, summary.images, { ...settings, batch: summary.batch });
  writeFileAtomic(insideOutput(out, 'index.html'), reportHtml(summary, card, colorBar, hooks.sections?.(summary) ?? [], writeOverview(out, summary)));
  return summary;
}

export { DEFAULT_BATCH };
