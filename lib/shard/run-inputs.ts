/** The images a model-running command takes: its inputs listed (lib/run/inputs.ts), then this shard's part of them. */
import { DEFAULT_MAX_PIXELS } from '../defaults';
import { DECODED_FORMAT_NAMES } from '../image/formats';
import { listInputs, maxImageBytes, readInputFile, type InputListing } from '../run/inputs';
import { selectShard, type ShardListing } from './assign';
import type { ShardSpec } from './spec';

export interface RunInputsOptions {
  readonly recursive?: boolean;
  /** the output folder (when there is one): a walk leaves it out */
  readonly out?: string | null;
  readonly shard?: ShardSpec | null;
  /** [DEFAULT_MAX_PIXELS] bounds the bytes read to hash a file for `by: 'content'` */
  readonly maxPixels?: number;
}

/** Throws when the inputs hold no image and no listing error (nothing to run on, nothing to report). */
export function listRunInputs(inputs: readonly string[], options: RunInputsOptions = {}): InputListing & ShardListing {
  const all = listInputs(inputs, { recursive: options.recursive, exclude: options.out ? [options.out] : [] });
  if (all.files.length === 0 && all.errors.length === 0) {
    throw new RangeError(`no images found in ${inputs.join(', ')} (formats read: ${DECODED_FORMAT_NAMES})`);
  }
  const maxBytes = maxImageBytes(options.maxPixels ?? DEFAULT_MAX_PIXELS);
  return selectShard(all, inputs, options.shard, (f) => readInputFile(f, maxBytes));
}
