/**
 * `segnet-uq report`: MC-dropout uncertainty maps for every image, an HTML report and
 * summary.json; with labels, accuracy metrics from a streamed confusion matrix. One bad image
 * is recorded in `errors` and the run goes on; summary.json is rewritten (atomically) after
 * every image so an interrupted run still says what finished.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import type { ConfusionMatrix, ModelCard } from '../types';
import { DEFAULT_BATCH, PreparedImage, Segmenter, SegmenterOptions, SegmentResult } from '../engine/segmenter';
import { decodeLabel } from '../image';
import { addToConfusion, createConfusion } from '../metrics/confusion';
import { classAverageAccuracy, globalAccuracy, meanIoU, perClassIoU } from '../metrics/segmentation';
import { writeFileAtomic, safeOutputName, insideOutput } from '../report/atomic';
import { reportHtml } from '../report/html';
import { writeColorBar, writeImageOutputs } from '../report/image-outputs';
import { meanOf, resizeMaps } from '../report/resize-maps';
import { ReportError, ReportImage, ReportSummary, SCHEMA_VERSION } from '../report/summary';
import { labelPathFor, listInputs } from './inputs';
import { checkInteger, TOOL_VERSION } from './options';

export interface ReportOptions extends SegmenterOptions {
  /** image files and folders */
  readonly inputs: readonly string[];
  /** output folder [default: 'reports/latest'] */
  readonly out?: string;
  /** MC samples per image [default: 20] */
  readonly samples?: number;
  /** seed of the dropout masks [default: 0] */
  readonly seed?: number;
  /** folder of label PNGs named like the images */
  readonly labels?: string;
  /** label value ignored in metrics [default: the card's ignoreIndex] */
  readonly ignoreIndex?: number;
  readonly recursive?: boolean;
  /** events for a progress display; the library never prints */
  readonly onEvent?: (event: ReportEvent) => void;
}

export type ReportEvent =
  | { type: 'start'; total: number; warnings: readonly string[] }
  | { type: 'sample'; index: number; file: string; done: number; total: number }
  | { type: 'image'; index: number; file: string; ok: boolean; message?: string };

export const DEFAULT_SAMPLES = 20;

interface LabelledOutcome {
  readonly metrics?: ReportImage['metrics'];
  readonly error?: ReportError;
}

function scoreAgainstLabel(result: SegmentResult, labelFile: string, card: ModelCard, ignoreIndex: number | undefined,
  total: ConfusionMatrix): LabelledOutcome {
  let label;
  try {
    label = decodeLabel(readFileSync(labelFile), { file: labelFile, palette: card.classes.map((c) => c.color) });
  } catch (err) {
    return { error: { file: labelFile, message: causeOf(err as Error, labelFile) } };
  }
  const { width, height } = result.image;
  if (label.width !== width || label.height !== height) {
    return { error: { file: labelFile, message: `label is ${label.width}x${label.height}, its image is ${width}x${height}` } };
  }
  const full = resizeMaps(result.maps, width, height);
  const one = createConfusion(card.classes.length);
  try {
    addToConfusion(one, label.data, full.predicted, ignoreIndex);
  } catch (err) {
    return { error: { file: labelFile, message: (err as Error).message } };
  }
  const counts = total.counts;
  for (let i = 0; i < counts.length; i++) counts[i] += one.counts[i];
  return { metrics: { globalAccuracy: globalAccuracy(one), meanIoU: nullIfNaN(meanIoU(one)) } };
}

const nullIfNaN = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The cause alone: errors of lib/ start with the file name, which the entry already holds. */
export function causeOf(err: Error, file: string): string {
  const m = err.message;
  return m.startsWith(`${file}: `) ? m.slice(file.length + 2) : m;
}

export async function runReport(options: ReportOptions): Promise<ReportSummary> {
  const samples = checkInteger('--samples', options.samples ?? DEFAULT_SAMPLES, 1, 100000);
  const seed = checkInteger('--seed', options.seed ?? 0, 0, 0xffffffff);
  const out = path.resolve(options.out ?? path.join('reports', 'latest'));
  const listing = listInputs(options.inputs, { recursive: options.recursive });
  if (listing.files.length === 0 && listing.errors.length === 0) {
    throw new RangeError(`no PNG or JPEG images found in ${options.inputs.join(', ')}`);
  }
  const segmenter = await Segmenter.create(options);
  const card = segmenter.card;
  const ignoreIndex = options.ignoreIndex ?? card.ignoreIndex;
  const device = options.device ?? 'cpu';
  const images: ReportImage[] = [];
  const errors: ReportError[] = [...listing.errors];
  const confusion = createConfusion(card.classes.length);
  const colorBar = writeColorBar(out);
  const emit = options.onEvent ?? ((): void => undefined);
  emit({ type: 'start', total: listing.files.length, warnings: segmenter.warnings });

  const summaryOf = (complete: boolean): ReportSummary => ({
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'segnet-uq', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    complete,
    model: {
      path: segmenter.modelPath, name: card.name, deterministic: segmenter.compiled.deterministic,
      dropoutPoints: segmenter.compiled.points.map((p) => ({ tensor: p.tensor, rate: p.rate })),
      inputWidth: card.input.width, inputHeight: card.input.height, temperature: options.temperature ?? card.temperature ?? 1,
    },
    samples, seed, batch: segmenter.sampler.batch, device,
    images, errors, warnings: segmenter.warnings,
    ...(options.labels && images.some((i) => i.metrics) ? {
      metrics: {
        globalAccuracy: globalAccuracy(confusion), classAverageAccuracy: classAverageAccuracy(confusion), meanIoU: meanIoU(confusion),
        perClass: Array.from(perClassIoU(confusion), (iou, k) => ({ class: card.classes[k].name, iou: nullIfNaN(iou) })),
      },
    } : {}),
  });
  const writeSummary = (complete: boolean): ReportSummary => {
    const s = summaryOf(complete);
    writeFileAtomic(insideOutput(out, 'summary.json'), JSON.stringify(s, null, 2) + '\n');
    return s;
  };

  const prepare = (index: number): PreparedImage | ReportError => {
    const file = listing.files[index];
    try {
      return segmenter.prepare(readFileSync(file), file);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { file, message: e.code ? `cannot read (${e.code === 'EISDIR' ? 'is a folder' : e.code})` : causeOf(e, file) };
    }
  };
  // While image i samples (ONNX Runtime works off the main thread), image i+1 is decoded and
  // image i-1's files are written.
  let next = listing.files.length > 0 ? prepare(0) : null;
  let finishPrevious: (() => void) | null = null;
  try {
    for (let i = 0; i < listing.files.length; i++) {
      const current = next as PreparedImage | ReportError;
      if ('message' in current) {
        errors.push(current);
        emit({ type: 'image', index: i, file: current.file, ok: false, message: current.message });
        finishPrevious?.();
        finishPrevious = null;
        next = i + 1 < listing.files.length ? prepare(i + 1) : null;
        continue;
      }
      const running = segmenter.sample(current, {
        samples, seed, onProgress: (done, total) => emit({ type: 'sample', index: i, file: current.file, done, total }),
      }).then((r) => ({ ok: true as const, r }), (err: Error) => ({ ok: false as const, err }));
      finishPrevious?.();
      next = i + 1 < listing.files.length ? prepare(i + 1) : null;
      const outcome = await running;
      if (!outcome.ok) {
        errors.push({ file: current.file, message: causeOf(outcome.err, current.file) });
        emit({ type: 'image', index: i, file: current.file, ok: false, message: outcome.err.message });
        finishPrevious = null;
        continue;
      }
      const result = outcome.r;
      finishPrevious = (): void => {
        try {
          const id = safeOutputName(i, current.file);
          const { outputs, ranges } = writeImageOutputs(out, id, result.image, result.maps, card);
          let labelled: LabelledOutcome = {};
          if (options.labels) {
            const labelFile = labelPathFor(current.file, options.labels);
            labelled = labelFile ? scoreAgainstLabel(result, labelFile, card, ignoreIndex, confusion)
              : { error: { file: current.file, message: `no label named like it in ${options.labels}` } };
          }
          if (labelled.error) errors.push(labelled.error);
          const m = result.maps;
          images.push({
            id, file: current.file, sha256: result.digest, width: result.image.width, height: result.image.height,
            meanEntropy: meanOf(m.predictiveEntropy), meanExpectedEntropy: meanOf(m.expectedEntropy),
            meanMutualInformation: meanOf(m.mutualInformation), meanVariance: meanOf(m.meanVariance),
            meanConfidence: meanOf(m.confidence), ms: result.ms, outputs, ranges,
            ...(labelled.metrics ? { metrics: labelled.metrics } : {}),
          });
          writeSummary(false);
          emit({ type: 'image', index: i, file: current.file, ok: true });
        } catch (err) {
          errors.push({ file: current.file, message: `writing outputs failed: ${(err as Error).message}` });
          emit({ type: 'image', index: i, file: current.file, ok: false, message: (err as Error).message });
        }
      };
    }
    finishPrevious?.();
  } finally {
    await segmenter.release();
  }
  const summary = writeSummary(true);
  writeFileAtomic(insideOutput(out, 'index.html'), reportHtml(summary, card, colorBar));
  return summary;
}

export { DEFAULT_BATCH };
