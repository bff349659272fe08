/**
 * The per-image loop every model-running command shares: image i's sampling is started, then
 * image i-1's results are finished (metrics, files) and image i+1 is read and decoded, then
 * image i's sampling is awaited. onnxruntime-node 1.30 runs `session.run` on this same thread
 * (after a tick), so this order interleaves the steps but overlaps nothing: the CPU time of
 * decoding and writing adds to the sampling's. One bad image becomes a failure entry and the
 * loop goes on; a ModelError (the model does not fit its card) ends the run.
 */
import type { PreparedImage, Segmenter } from '../engine/segmenter';
import { ModelError } from '../onnx/model';
import { DEFAULT_MAX_PIXELS } from '../defaults';
import { maxImageBytes, readInputFile, reasonFor } from './inputs';

export interface ImageFailure {
  readonly index: number;
  readonly file: string;
  /** the cause, without the file name in front */
  readonly message: string;
}

export interface PipelineSteps<T, R = never> {
  /** async work per image (the sampling); a rejection records a failure */
  readonly run: (prepared: PreparedImage, index: number) => Promise<T>;
  /** synchronous work on the result, overlapped with the next image's run; a throw records a failure */
  readonly finish: (prepared: PreparedImage, index: number, value: T) => void;
  readonly onFailure: (failure: ImageFailure) => void;
  /**
   * Looks at the file's bytes before they are decoded; a value other than undefined means an
   * earlier run's result is reused (`--resume`): no decoding, no sampling, and `onReused` gets
   * the value in listing order.
   */
  readonly reuse?: (file: string, index: number, bytes: Uint8Array) => R | undefined;
  readonly onReused?: (value: R, index: number) => void;
  /**
   * stop before starting the next image when it returns true; a run that rejects while it
   * returns true (one that gave up between chunks) ends the loop without a failure entry
   */
  readonly stop?: () => boolean;
  /** [DEFAULT_MAX_PIXELS] the --max-pixels the segmenter was made with (bounds the bytes read) */
  readonly maxPixels?: number;
}

type Prepared<R> = PreparedImage | ImageFailure | { readonly reused: R };

async function prepareFile<R>(segmenter: Segmenter, file: string, index: number, maxBytes: number,
  reuse: PipelineSteps<unknown, R>['reuse']): Promise<Prepared<R>> {
  try {
    const bytes = readInputFile(file, maxBytes);
    const reused = reuse?.(file, index, bytes);
    if (reused !== undefined) return { reused };
    return await segmenter.prepare(bytes, file);
  } catch (err) {
    return { index, file, message: reasonFor(err, file) };
  }
}

/** Runs the steps over `files` in order; resolves to false when `stop` ended it early. */
export async function runPipeline<T, R = never>(segmenter: Segmenter, files: readonly string[], steps: PipelineSteps<T, R>): Promise<boolean> {
  const maxBytes = maxImageBytes(steps.maxPixels ?? DEFAULT_MAX_PIXELS);
  const prepare = (i: number): Promise<Prepared<R>> | null => (i < files.length ? prepareFile(segmenter, files[i], i, maxBytes, steps.reuse) : null);
  let next = prepare(0);
  let finishPrevious: (() => void) | null = null;
  const flush = (): void => {
    const f = finishPrevious;
    finishPrevious = null;
    f?.();
  };
  for (let i = 0; i < files.length; i++) {
    if (steps.stop?.()) {
      flush();
      return false;
    }
    const current = await (next as Promise<Prepared<R>>);
    if ('reused' in current || 'message' in current) {
      flush();
      if ('reused' in current) steps.onReused?.(current.reused, i);
      else steps.onFailure(current);
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
      // stopped mid-image (the run step gave up between chunks): not a failure, the image is not done
      if (steps.stop?.()) {
        flush();
        return false;
      }
      steps.onFailure({ index: i, file: current.file, message: reasonFor(outcome.err, current.file) });
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
  return true;
}
