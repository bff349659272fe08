/**
 * `segnet-uq shift`: the clean images and every corruption x severity through the one per-image
 * step (lib/run/image-step.ts processImage). Each image is read and decoded once; each condition
 * corrupts the decoded pixels in memory (lib/shift/prepare.ts) and is sampled like any image.
 * Every condition streams its own MetricStats (calibrate's sink), so the clean row is calibrate's
 * and shards merge exactly. OUT/shift.json, the charts and OUT/index.html are written at the end.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { insideOutput, removeStaleTemporaries, safeOutputName, writeFileAtomic } from '../atomic';
import { DEFAULT_BINS, DEFAULT_DEVICE, DEFAULT_OUT, SHIFT_DEFAULTS } from '../defaults';
import { describeSampleCount } from '../engine/convergence';
import { Segmenter } from '../engine/segmenter';
import { encodePng } from '../image/encode';
import { ModelError } from '../onnx/model';
import { fileHeader } from '../report/file-header';
import { withLockedOut } from '../report/out-lock';
import { reportSettings } from '../report/run-settings';
import type { ReportError } from '../report/summary';
import { checkRunOptions, type CheckedRun } from '../run/check-options';
import { processImage, toSink } from '../run/image-step';
import { reasonFor } from '../run/inputs';
import { runPipeline } from '../run/pipeline';
import { writeShardManifest } from '../shard';
import { listRunInputs } from '../shard/run-inputs';
import { conditionKey, shiftConditions, type ShiftCondition } from '../shift/conditions';
import { writeShiftPage } from '../shift/page';
import { conditionInput } from '../shift/prepare';
import { SHIFT_SCHEMA_VERSION, shiftRow, summarizeSeverities, writeShiftResult, type ShiftResult } from '../shift/result';
import { resumeKey, ShiftState } from '../shift/state';
import { checkBins } from '../validate';
import { recordFailure, type ImageRunOptions, type RunEvent } from './run-options';

export interface ShiftOptions extends ImageRunOptions<RunEvent> {
  /** folder of label PNGs named like the images (required) */
  readonly labels: string;
  /** [SHIFT_DEFAULTS.corruptions] corruption names (lib/corruptions CORRUPTIONS) */
  readonly corruptions?: readonly string[];
  /** [SHIFT_DEFAULTS.severities] severities 1-5 */
  readonly severities?: readonly number[];
  /** [DEFAULT_BINS] equal-width confidence bins */
  readonly bins?: number;
  /** [false] write each corrupted image as OUT/images/CORRUPTION-SEVERITY/NAME.png (otherwise they stay in memory) */
  readonly saveImages?: boolean;
  /** when aborted, the sampling stops after the current chunk and the images finished so far are written (complete: false) */
  readonly signal?: AbortSignal;
  /**
   * [false] go on from OUT/shift.json (written at least every CHECKPOINT_MS and when a run stops):
   * its images, with the same content, are not sampled again, when the model, card, samples,
   * seed, temperature, dropout, ignore index, bins and conditions match
   */
  readonly resume?: boolean;
}

/** a checkpoint of OUT/shift.json at most this often: a stopped run loses at most this much sampling (each write is about 1.5 MB per condition on CamVid) */
const CHECKPOINT_MS = 30_000;

export async function runShift(options: ShiftOptions): Promise<ShiftResult> {
  // every option is checked before --out is made and locked, and that before the model loads
  if (typeof options.labels !== 'string' || options.labels === '') throw new RangeError('--labels is required: shift scores every condition against label masks');
  const conditions = shiftConditions(options.corruptions ?? SHIFT_DEFAULTS.corruptions, options.severities ?? SHIFT_DEFAULTS.severities);
  const bins = checkBins('--bins', options.bins ?? DEFAULT_BINS);
  const checked = checkRunOptions(options);
  return withLockedOut(options.out ?? DEFAULT_OUT.shift, 'shift', (out, warning) => shiftInto(out, options, checked, conditions, bins, warning ? [warning] : []), { force: options.force });
}

async function shiftInto(out: string, options: ShiftOptions, checked: CheckedRun, conditions: readonly ShiftCondition[], bins: number,
  outWarnings: readonly string[]): Promise<ShiftResult> {
  const { samples, seed, maxPixels } = checked;
  const listing = listRunInputs(options.inputs, { recursive: options.recursive, out, shard: options.shard, maxPixels });
  const segmenter = await Segmenter.create(options);
  const card = segmenter.card;
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex;
  const labels = { dir: options.labels, card, ignoreIndex, maxPixels };
  const settings = reportSettings(segmenter, {
    samples: describeSampleCount(samples), seed, device: options.device ?? DEFAULT_DEVICE, temperature: options.temperature, labels: options.labels, ignoreIndex,
  });
  const state = new ShiftState(card, conditions, { ignoreIndex: ignoreIndex ?? null, bins });
  const key = resumeKey(settings, bins, conditions);
  try {
    if (options.resume) state.resume(out, key);
  } catch (err) {
    await segmenter.release();
    throw err;
  }
  const reused = new Map(state.done.map((d) => [d.file, d.sha256]));
  const warnings = [...outWarnings, ...listing.excluded.map((d) => `${d}: skipped, it is the output folder (or inside it)`), ...segmenter.warnings];
  const emit = options.onEvent ?? ((): void => undefined);
  const resultOf = (complete: boolean): ShiftResult => {
    const rows = conditions.map((c, k) => shiftRow(c, state.totals[k]));
    return {
      ...fileHeader(SHIFT_SCHEMA_VERSION),
      model: { path: segmenter.modelPath, card: segmenter.cardPath, name: card.name, temperature: settings.temperature },
      samples: settings.samples, seed, bins, labels: path.resolve(options.labels), ignoreIndex: ignoreIndex ?? null, classes: card.classes.map((c) => c.name),
      corruptions: [...new Set(conditions.slice(1).map((c) => c.corruption))], severities: [...new Set(conditions.slice(1).map((c) => c.severity))],
      images: listing.files.length, rows, ...summarizeSeverities(rows), errors: [...listing.errors, ...state.errors, ...failures], warnings, complete,
      done: state.done, settings,
    };
  };
  const failures: ReportError[] = [];
  let lastCheckpoint = Date.now();
  removeStaleTemporaries(out);
  emit({ type: 'start', total: listing.files.length, warnings, info: segmenter.info });
  let completed = false;
  try {
    completed = await runPipeline(segmenter, listing.files, {
      maxPixels,
      stop: () => Boolean(options.signal?.aborted),
      onFailure: recordFailure(failures, emit),
      // --resume: an image the checkpoint holds, with the same bytes, is not sampled again
      reuse: (file, _i, bytes) => (reused.get(file) === createHash('sha256').update(bytes).digest('hex') ? true : undefined),
      onReused: (_v, i) => emit({ type: 'image', index: i, file: listing.files[i], ok: true, resumed: true }),
      run: async (prepared, i) => {
        const sinks = state.sinks();
        const errors: ReportError[] = [];
        for (let k = 0; k < conditions.length; k++) {
          const condition = conditions[k];
          try {
            const input = await conditionInput(prepared, condition, seed, card);
            if (options.saveImages && condition.corruption !== 'none') {
              writeFileAtomic(insideOutput(out, 'images', `${condition.corruption}-${condition.severity}`, `${safeOutputName(i, prepared.file)}.png`), encodePng(input.image));
            }
            const processed = toSink(await processImage(segmenter, input, {
              samples, seed, labels, onProgress: (d, total) => {
                // thrown between chunks: a stop waits for the chunk, not the image
                if (options.signal?.aborted) throw new Error('stopped');
                emit({ type: 'sample', index: i, file: prepared.file, done: k * total + d, total: conditions.length * total });
              },
            }), sinks[k]);
            // the label is the same under every condition: its error is recorded once
            const e = processed.labelError;
            if (e && !errors.some((x) => x.message === e.message)) errors.push(e);
          } catch (err) {
            if (err instanceof ModelError || options.signal?.aborted) throw err;
            errors.push({ file: prepared.file, message: `${conditionKey(condition)}: ${reasonFor(err, prepared.file)}` });
          }
        }
        // every condition has the image: it joins the totals at once
        state.commit({ file: prepared.file, sha256: prepared.digest }, sinks, errors);
        if (Date.now() - lastCheckpoint >= CHECKPOINT_MS) {
          writeShiftResult(out, resultOf(false), state.totals);
          lastCheckpoint = Date.now();
        }
        return prepared.digest;
      },
      finish: (prepared, i) => emit({ type: 'image', index: i, file: prepared.file, ok: true }),
    });
  } finally {
    await segmenter.release();
  }
  const result = resultOf(completed);
  writeShiftResult(out, result, state.totals);
  writeShiftPage(out, result, state.totals);
  if (options.shard) writeShardManifest(out, options.shard, options.inputs, listing, state.done, { ...settings, corruptions: result.corruptions, severities: result.severities, bins });
  return result;
}
