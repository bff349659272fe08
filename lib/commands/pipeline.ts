/**
 * The per-image loop the model-running commands share: while image i samples (ONNX Runtime
 * works off the main thread), image i+1 is decoded and image i-1's results are finished
 * (metrics, files). One bad image becomes an error entry and the loop goes on.
 */
import { readFileSync } from 'fs';
import type { PreparedImage, Segmenter } from '../engine/segmenter';

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
}

/** The cause alone: errors of lib/ start with the file name, which the entry already holds. */
export function causeOf(err: Error, file: string): string {
  const m = err.message;
  return m.startsWith(`${file}: `) ? m.slice(file.length + 2) : m;
}

/** Reads and decodes one file; errors become a failure entry. */
export function prepareFile(segmenter: Segmenter, file: string, index: number): PreparedImage | ImageFailure {
  try {
    return segmenter.prepare(readFileSync(file), file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { index, file, message: e.code ? `cannot read (${e.code === 'EISDIR' ? 'is a folder' : e.code})` : causeOf(e, file) };
  }
}

export async function runPipeline<T>(segmenter: Segmenter, files: readonly string[], steps: PipelineSteps<T>): Promise<void> {
  const prepare = (i: number): PreparedImage | ImageFailure | null => (i < files.length ? prepareFile(segmenter, files[i], i) : null);
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
