/**
 * The per-image loop the model-running commands share: while image i samples (ONNX Runtime
 * works off the main thread), image i+1 is decoded and image i-1's results are finished
 * (metrics, files). One bad image becomes an error entry and the loop goes on; a ModelError
 * (the model does not fit its card) ends the run.
 */
import type { PreparedImage, Segmenter } from '../engine/segmenter';
import { ModelError } from '../onnx/model';
import { InputError, maxImageBytes, readInputFile } from './inputs';
import { causeOf } from './report';

export interface ImageFailure {
  readonly index: number;
  readonly file: string;
  /** the cause, without the file name in front */
  readonly message: string;
}

export interface PipelineSteps<T> {
  /** async work per image (the sampling); a rejection records a failure */
  readonly run: (prepared: PreparedImage, index: number) => Promise<T>;
  /** synchronous work on the result, overlapped with the next image's run; a throw records a failure */
  readonly finish: (prepared: PreparedImage, index: number, value: T) => void;
  readonly onFailure: (failure: ImageFailure) => void;
  /** stop before starting the next image when it returns true */
  readonly stop?: () => boolean;
  /** [40_000_000] the --max-pixels the segmenter was made with (bounds the bytes read) */
  readonly maxPixels?: number;
}

/** Reads and decodes one file; errors become a failure entry. */
export function prepareFile(segmenter: Segmenter, file: string, index: number, maxPixels: number): PreparedImage | ImageFailure {
  try {
    return segmenter.prepare(readInputFile(file, maxImageBytes(maxPixels)), file);
  } catch (err) {
    if (err instanceof InputError) return { index, file, message: err.reason };
    return { index, file, message: causeOf(err as Error, file) };
  }
}

export async function runPipeline<T>(segmenter: Segmenter, files: readonly string[], steps: PipelineSteps<T>): Promise<void> {
  const prepare = (i: number): PreparedImage | ImageFailure | null => (i < files.length ? prepareFile(segmenter, files[i], i, steps.maxPixels ?? 40_000_000) : null);
  let next = prepare(0);
  let finishPrevious: (() => void) | null = null;
  const flush = (): void => {
    const f = finishPrevious;
    finishPrevious = null;
    f?.();
  };
  for (let i = 0; i < files.length; i++) {
    if (steps.stop?.()) break;
    const current = next as PreparedImage | ImageFailure;
    if ('message' in current) {
      steps.onFailure(current);
      flush();
      next = prepare(i + 1);
      continue;
    }
    const running = steps.run(current, i).then((value) => ({ ok: true as const, value }), (err: Error) => ({ ok: false as const, err }));
    flush();
    next = prepare(i + 1);
    const outcome = await running;
    if (!outcome.ok) {
      // the model's output does not fit its card: every image would fail the same way
      if (outcome.err instanceof ModelError) throw outcome.err;
      steps.onFailure({ index: i, file: current.file, message: causeOf(outcome.err, current.file) });
      continue;
    }
    finishPrevious = (): void => {
      try {
        steps.finish(current, i, outcome.value);
      } catch (err) {
        steps.onFailure({ index: i, file: current.file, message: (err as Error).message });
      }
    };
  }
  flush();
}
