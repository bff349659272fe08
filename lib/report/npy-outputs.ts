/**
 * `--save-maps`: an image's per-pixel maps as .npy files (npy.ts) at the image's resolution, the
 * same maps the metrics score (resizeMaps of the model-resolution maps): predicted class (uint8
 * [H, W]), confidence, predictive entropy, mutual information and mean variance (float32 [H, W]),
 * and with 'probs' the mean class probabilities (float32 [C, H, W]).
 */
import type { UncertaintyMaps } from '../engine/types';
import { insideOutput, writeFileAtomic } from '../atomic';
import { encodeNpy } from './npy';

export type SaveMaps = 'maps' | 'probs';

/** Relative paths (from the output root) of one image's .npy files. */
export interface NpyOutputs {
  readonly predicted: string;
  readonly confidence: string;
  readonly entropy: string;
  readonly mutualInformation: string;
  readonly variance: string;
  readonly meanProbs?: string;
  /** with --conformal: the set size per pixel (uint8 [H, W]) */
  readonly setSize?: string;
}

/** '' (the bare flag) or 'maps' -> 'maps', 'probs' -> 'probs'; anything else is a RangeError. */
export function checkSaveMaps(value: unknown): SaveMaps | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === '' || value === true || value === 'maps') return 'maps';
  if (value === 'probs') return 'probs';
  throw new RangeError(`--save-maps takes nothing or 'probs', got ${JSON.stringify(value)}`);
}

/** Writes the maps (already at the image's size) under OUT/images/NAME/maps/. */
export function writeNpyMaps(outRoot: string, name: string, maps: UncertaintyMaps, mode: SaveMaps): NpyOutputs {
  const hw = [maps.height, maps.width];
  const files: [keyof NpyOutputs, string, Uint8Array | Float32Array, number[]][] = [
    ['predicted', 'predicted.npy', maps.predicted, hw],
    ['confidence', 'confidence.npy', maps.confidence, hw],
    ['entropy', 'entropy.npy', maps.predictiveEntropy, hw],
    ['mutualInformation', 'mutual-information.npy', maps.mutualInformation, hw],
    ['variance', 'variance.npy', maps.meanVariance, hw],
  ];
  if (mode === 'probs') files.push(['meanProbs', 'mean-probs.npy', maps.meanProbs, [maps.numClasses, ...hw]]);
  const out: Partial<Record<keyof NpyOutputs, string>> = {};
  for (const [key, file, data, shape] of files) {
    const rel = `images/${name}/maps/${file}`;
    writeFileAtomic(insideOutput(outRoot, rel), encodeNpy(data, shape));
    out[key] = rel;
  }
  return out as NpyOutputs;
}

/** Whether a previous run's .npy files serve this run's --save-maps (a --resume check). */
export function npyReusable(previous: NpyOutputs | undefined, mode: SaveMaps | undefined): boolean {
  if (mode === undefined) return true;
  return previous !== undefined && (mode === 'maps' || previous.meanProbs !== undefined);
}
