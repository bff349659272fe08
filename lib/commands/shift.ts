/**
 * `segnet-uq shift`: the clean images and every corruption x severity through the one per-image
 * step (lib/run/image-step.ts processImage). Each image is read and decoded once; each condition
 * corrupts the decoded pixels in memory (lib/shift/prepare.ts) and is sampled like any image.
 * Every condition streams its own MetricStats (calibrate's sink), so the clean row is calibrate's
 * and shards merge exactly. OUT/shift.json, the charts and OUT/index.html are written at the end.
 */
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
import { CalibrationSink } from '../run/calibration-sink';
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
  /** when aborted, the sampling stops after the current chunk and the results so far are written (complete: false) */
  readonly signal?: AbortSignal;
}

export async function runShift(options: ShiftOptions): Promise<ShiftResult> {
  // every option is checked before --out is made and locked, and that before the model loads
  if (typeof options.labels !== 'string' || options.labels === '') throw new RangeError('--labels is required: shift scores every condition against label masks');
  const conditions = shiftConditions(options.corruptions ?? SHIFT_DEFAULTS.corruptions, options.severities ?? SHIFT_DEFAULTS.severities);
  const bins = checkBins('--bins', options.bins ?? DEFAULT_BINS);
  const checked = checkRunOptions(options);
  return withLockedOut(options.out ?? DEFAULT_OUT.shift, 'shift', (out, warning) => shiftInto(out, options, checked, conditions, bins, warning ? [warning] : []));
}

async function shiftInto(out: string, options: ShiftOptions, checked: CheckedRun, conditions: readonly ShiftCondition[], bins: number,
  outWarnings: readonly string[]): Promise<ShiftResult> {
  const { samples, seed, maxPixels } = checked;
  const listing = listRunInputs(options.inputs, { recursive: options.recursive, out, shard: options.shard, maxPixels });
  const segmenter = await Segmenter.create(options);
  const card = segmenter.card;
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex;
  const labels = { dir: options.labels, card, ignoreIndex, maxPixels };
  const sinks = conditions.map(() => new CalibrationSink(card, { ignoreIndex: ignoreIndex ?? null, bins }));
  const errors: ReportError[] = [...listing.errors];
  const done: { file: string; sha256: string }[] = [];
  const warnings = [...outWarnings, ...listing.excluded.map((d) => `${d}: skipped, it is the output folder (or inside it)`), ...segmenter.warnings];
  const emit = options.onEvent ?? ((): void => undefined);
  removeStaleTemporaries(out);
  emit({ type: 'start', total: listing.files.length, warnings, info: segmenter.info });
  let completed = false;
  try {
    completed = await runPipeline(segmenter, listing.files, {
      maxPixels,
      stop: () => Boolean(options.signal?.aborted),
      onFailure: recordFailure(errors, emit),
      run: async (prepared, i) => {
        const labelErrors = new Set<string>();
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
            if (e && !labelErrors.has(e.message)) {
              labelErrors.add(e.message);
              errors.push(e);
            }
          } catch (err) {
            if (err instanceof ModelError || options.signal?.aborted) throw err;
            errors.push({ file: prepared.file, message: `${conditionKey(condition)}: ${reasonFor(err, prepared.file)}` });
          }
        }
        return prepared.digest;
      },
      finish: (prepared, i, digest) => {
        done.push({ file: prepared.file, sha256: digest });
        emit({ type: 'image', index: i, file: prepared.file, ok: true });
      },
    });
  } finally {
    await segmenter.release();
  }
  const rows = conditions.map((c, k) => shiftRow(c, sinks[k].stats));
  const settings = reportSettings(segmenter, {
    samples: describeSampleCount(samples), seed, device: options.device ?? DEFAULT_DEVICE, temperature: options.temperature, labels: options.labels, ignoreIndex,
  });
  const result: ShiftResult = {
    ...fileHeader(SHIFT_SCHEMA_VERSION),
    model: { path: segmenter.modelPath, card: segmenter.cardPath, name: card.name, temperature: settings.temperature },
    samples: settings.samples, seed, bins, labels: path.resolve(options.labels), ignoreIndex: ignoreIndex ?? null, classes: card.classes.map((c) => c.name),
    corruptions: [...new Set(conditions.slice(1).map((c) => c.corruption))], severities: [...new Set(conditions.slice(1).map((c) => c.severity))],
    images: listing.files.length, rows, ...summarizeSeverities(rows), errors, warnings, complete: completed,
  };
  const stats = sinks.map((s) => s.stats);
  writeShiftResult(out, result, stats);
  writeShiftPage(out, result, stats);
  if (options.shard) writeShardManifest(out, options.shard, options.inputs, listing, done, { ...settings, corruptions: result.corruptions, severities: result.severities, bins });
  return result;
}
