/**
 * `segnet-uq report`: MC-dropout uncertainty maps for every image, an HTML report and
 * summary.json; with labels, accuracy metrics from a streamed confusion matrix. One bad image
 * is recorded in `errors` and the run goes on; summary.json is rewritten (atomically) after
 * every image so an interrupted run still says what finished. Each image goes through the
 * shared per-image step (lib/run/image-step.ts); calibrate and audit add a sink to it.
 */
import * as path from 'path';
import { describeSampleCount } from '../engine/convergence';
import { Segmenter } from '../engine/segmenter';
import { DEFAULT_DEVICE, DEFAULT_OUT } from '../defaults';
import type { ModelCard, ResolvedModel } from '../model/types';
import { removeStaleTemporaries, safeOutputName } from '../atomic';
import { withLockedOut } from '../report/out-lock';
import { writeIndexPage } from '../report/index-page';
import { writeColorBar } from '../report/image-outputs';
import type { SaveMaps } from '../report/npy-outputs';
import { writeRanking, type RankingOptions } from '../report/ranking';
import { resumeStep } from '../report/resume';
import { reportSettings, summaryBase } from '../report/run-settings';
import type { ReportSettings, ReportSummary } from '../report/summary';
import { SummaryWriter } from '../report/summary-writer';
import { checkRunOptions, type CheckedRun } from '../run/check-options';
import { processImage, toSink } from '../run/image-step';
import { runPipeline } from '../run/pipeline';
import { reportEntry } from '../run/report-entry';
import type { ImageSink } from '../run/types';
import { writeShardManifest } from '../shard';
import { listRunInputs } from '../shard/run-inputs';
import { conformalMetrics } from '../conformal/apply';
import { checkConformalFits, identityOf, readConformalFile, type LoadedConformal } from '../conformal/file';
import { withConformal } from '../conformal/report-step';
import { recordFailure, type ImageRunOptions, type RunEvent } from './run-options';
import type { MapScale } from '../report/image-outputs';

export interface ReportOptions extends ImageRunOptions<ReportEvent> {
  /** output folder [default: DEFAULT_OUT.report] */
  readonly out?: string;
  /** MC samples per image, or 'auto' (lib/engine/convergence.ts) [default: DEFAULT_SAMPLES] */
  readonly samples?: number | 'auto' | 'analytic';
  /** write each image's maps, overlay and HTML section; false keeps the numbers only (faster) [default: true] */
  readonly images?: boolean;
  /** [DEFAULT_MAP_SIZE] longest side of the maps and overlays written per image (smaller images keep their size) */
  readonly mapSize?: number;
  /** [DEFAULT_MAP_SCALE] heatmap colour ranges: 'fixed' (full ranges, images compare) or 'image' (0 to each image's max) */
  readonly scale?: MapScale;
  /** write each image's maps as .npy at its resolution ('probs': also the mean probabilities) [default: none] */
  readonly saveMaps?: SaveMaps;
  /**
   * [false] re-use the images OUT/summary.json lists as finished when their content hash and the
   * settings (model and card hashes, samples, seed, temperature, dropout, device, labels) match
   */
  readonly resume?: boolean;
  /** [none] the review queue (--rank-by, --top): OUT/ranking.csv and summary.json `ranking`, once the run completes */
  readonly ranking?: RankingOptions;
  /** when aborted, the sampling stops after the current chunk, then summary.json is written with complete: false (the unfinished image left out) */
  readonly signal?: AbortSignal;
  /** [none] a fitted conformal.json (`segnet-uq conformal`): each image gets its prediction sets, set-size map and, with labels, coverage */
  readonly conformal?: string;
}

export type ReportEvent = RunEvent;

/** A finished report run, before index.html: what calibrate needs to write its own files and the page. */
export interface ReportRun<S extends ImageSink = ImageSink> {
  readonly summary: ReportSummary;
  readonly card: ModelCard;
  readonly cardPath: string;
  readonly out: string;
  readonly colorBar: string;
  /** the sink the run fed, to read what it gathered */
  readonly sink: S;
}

export async function runReport(options: ReportOptions): Promise<ReportSummary> {
  const run = await runReportImages(options, () => ({}));
  writeReportIndex(run, []);
  return run.summary;
}

/** OUT/index.html, with the extra sections (calibrate's) after the image table. */
export function writeReportIndex(run: ReportRun, sections: readonly string[]): void {
  writeIndexPage(run.out, run.summary, run.card, run.colorBar, sections);
}

/**
 * The report's images, files and summary.json, each labelled image also given to the sink that
 * `sinkFor` makes once the card is known. The output folder is made (lib/report/out-dir.ts) and
 * locked (out-lock.ts) before the model loads. `resolved`: the model and card a command read
 * before the run (audit), so the card is read once.
 */
export async function runReportImages<S extends ImageSink, T = ReportRun<S>>(options: ReportOptions, sinkFor: (card: ModelCard) => S, resolved?: ResolvedModel,
  finish?: (run: ReportRun<S>) => T | Promise<T>): Promise<T> {
  // checked before the folder is made: a usage error leaves no empty OUT behind
  const checked = checkRunOptions(options);
  const conformal = options.conformal === undefined ? null : readConformalFile(options.conformal, { flag: '--conformal' });
  // `finish` (a command's own files: calibration.json, audit.json) writes under the same lock
  return await withLockedOut(options.out ?? DEFAULT_OUT.report, 'report', async (out, warning) => {
    const run = await reportInLockedFolder({ ...options, out }, { ...checked, conformal }, sinkFor, warning ? [warning] : [], resolved);
    return finish ? await finish(run) : run as unknown as T;
  }, { force: options.force });
}

async function reportInLockedFolder<S extends ImageSink>(options: ReportOptions, checked: CheckedRun & { conformal: LoadedConformal | null }, sinkFor: (card: ModelCard) => S,
  outWarnings: readonly string[], resolved?: ResolvedModel): Promise<ReportRun<S>> {
  const { samples, seed, maxPixels, files, conformal } = checked;
  const out = path.resolve(options.out ?? DEFAULT_OUT.report);
  const listing = listRunInputs(options.inputs, { recursive: options.recursive, out, shard: options.shard, maxPixels });
  const segmenter = await Segmenter.create(options, resolved);
  const card = segmenter.card;
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex;
  let settings: ReportSettings;
  let sink: S;
  let reuse: ReturnType<typeof resumeStep> | undefined;
  try {
    sink = sinkFor(card);
    if (options.resume && (sink.labelled || sink.image)) throw new RangeError('--resume is not supported here: every image must be sampled again to stream its statistics');
    settings = reportSettings(segmenter, {
      samples: describeSampleCount(samples), seed, device: options.device ?? DEFAULT_DEVICE, temperature: options.temperature, labels: options.labels, ignoreIndex,
      conformal: conformal?.file,
    });
    if (conformal) checkConformalFits(conformal, identityOf(settings, card.name, card.classes.map((k) => k.name)));
    reuse = options.resume ? resumeStep(out, settings, listing.files, { labelled: Boolean(options.labels), images: files.mapSize !== null, saveMaps: files.saveMaps }) : undefined;
  } catch (err) {
    await segmenter.release();
    throw err;
  }
  removeStaleTemporaries(out);
  const colorBar = writeColorBar(out);
  const emit = options.onEvent ?? ((): void => undefined);
  const warnings = [...outWarnings, ...listing.excluded.map((d) => `${d}: skipped, it is the output folder (or inside it)`), ...segmenter.warnings];
  const classNames = card.classes.map((k) => k.name);
  const writer = new SummaryWriter(out, summaryBase(segmenter, settings, warnings), card, Boolean(options.labels), listing.errors,
    conformal ? (images) => ({ conformal: conformalMetrics(images, classNames) }) : undefined);
  const labels = options.labels ? { dir: options.labels, card, ignoreIndex, maxPixels } : undefined;
  emit({ type: 'start', total: listing.files.length, warnings, info: segmenter.info });
  let completed = false;
  try {
    completed = await runPipeline(segmenter, listing.files, {
      maxPixels, reuse,
      stop: () => Boolean(options.signal?.aborted),
      onReused: (entry, i) => {
        writer.addImage(entry);
        emit({ type: 'image', index: i, file: entry.file, ok: true, resumed: true });
      },
      onFailure: recordFailure(writer.errors, emit),
      run: (prepared, i) => processImage(segmenter, prepared, {
        samples, seed, labels, onProgress: (done, total) => {
          // thrown between chunks: a stop waits for the chunk, not the image (the image is left out, --resume redoes it)
          if (options.signal?.aborted) throw new Error('stopped');
          emit({ type: 'sample', index: i, file: prepared.file, done, total });
        },
      }),
      finish: (prepared, i, processed) => {
        const p = toSink(processed, sink);
        try {
          const plain = reportEntry(safeOutputName(i, prepared.file), p, out, card, files);
          const entry = conformal ? withConformal(plain, p, conformal, out, files) : plain;
          if (p.labelError) writer.errors.push(p.labelError);
          if (p.sinkError) writer.errors.push(p.sinkError);
          writer.addImage(entry);
          writer.progress();
          emit({ type: 'image', index: i, file: prepared.file, ok: true });
        } catch (err) {
          writer.errors.push({ file: prepared.file, message: `writing outputs failed: ${(err as Error).message}` });
          emit({ type: 'image', index: i, file: prepared.file, ok: false, message: (err as Error).message });
        }
      },
    });
  } finally {
    await segmenter.release();
  }
  const summary = writer.write(completed, completed && options.ranking ? writeRanking(out, writer.images, options.ranking) : undefined);
  if (options.shard) writeShardManifest(out, options.shard, options.inputs, listing, summary.images, { ...settings, batch: summary.batch });
  return { summary, card, cardPath: segmenter.cardPath, out, colorBar, sink };
}
