/**
 * The metrics layer: streamed sufficient statistics (add per image, merge exactly, save as JSON)
 * and pure metric functions over them. Per-image inputs are flat arrays over the same pixels at
 * label resolution; see MetricImageInput in lib/metrics/types.ts.
 */
export * from './confusion';
export * from './segmentation';
export * from './calibration-stats';
export * from './calibration';
export * from './uncertainty-stats';
export * from './uncertainty';
export * from './pavpu';
export * from './class-uncertainty';
export * from './reservoir';
export * from './temperature';
export * from './metric-stats';
export * from './summary';
export { createFixedSums, fixedSumValue, fixedSumValues, mergeFixedSums, type FixedSumsJSON } from './fixed-sum';
export { createRandom, nextRandom, nextInt, type Random } from './random';
