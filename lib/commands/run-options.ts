/**
 * The options and events every command that runs the model over a set of images shares (report,
 * calibrate, audit, samples), declared once so that the commands cannot drift apart, and how a
 * failed image is recorded.
 */
import type { SegmenterOptions } from '../engine/segmenter';
import type { ReportError } from '../report/summary';
import type { ImageFailure } from '../run/pipeline';
import type { ShardSpec } from '../shard';

export interface ImageRunOptions<E = RunEvent> extends SegmenterOptions {
  /** image files and folders */
  readonly inputs: readonly string[];
  /** [false] write into an --out folder that holds files segnet-uq did not write */
  readonly force?: boolean;
  /** walk the folders' subfolders too */
  readonly recursive?: boolean;
  /** folder of label PNGs named like the images */
  readonly labels?: string;
  /** label value ignored in metrics [default: the card's ignoreIndex] */
  readonly ignoreIndex?: number;
  /** seed of the dropout masks [default: DEFAULT_SEED] */
  readonly seed?: number;
  /** MC samples per image, or 'auto' (lib/engine/convergence.ts) */
  readonly samples?: number | 'auto' | 'analytic';
  /** with samples 'auto': the stopping rule's tolerance [default: AUTO_DEFAULTS.tolerance] */
  readonly tolerance?: number;
  /** with samples 'auto': most samples per image [default: AUTO_DEFAULTS.maxSamples] */
  readonly maxSamples?: number;
  /** [LIMIT_DEFAULTS.samplesLimit] most samples per image the run may ask for (lib/engine/limits.ts) */
  readonly samplesLimit?: number;
  /** output folder, made and locked before the model loads */
  readonly out?: string;
  /** this run's part of the images (lib/shard): OUT/shard.json then records it for `merge` */
  readonly shard?: ShardSpec | null;
  /** events for a progress display; the library never prints */
  readonly onEvent?: (event: E) => void;
}

export type RunEvent =
  | { type: 'start'; total: number; warnings: readonly string[]; info?: readonly string[] }
  | { type: 'sample'; index: number; file: string; done: number; total: number }
  | { type: 'image'; index: number; file: string; ok: boolean; message?: string; resumed?: boolean };

/** runPipeline's onFailure: the image joins `errors` and is a failed 'image' event. */
export function recordFailure(errors: ReportError[], emit: (event: RunEvent) => void): (failure: ImageFailure) => void {
  return ({ index, file, message }) => {
    errors.push({ file, message });
    emit({ type: 'image', index, file, ok: false, message });
  };
}
