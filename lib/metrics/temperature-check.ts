/**
 * A temperature fitted on a held pixel sample, and what it does there: ECE and NLL before and
 * after, computed as the streamed statistics compute them (calibration-stats), so "before" reads
 * like calibration.json's own metrics.
 */
import { argmaxClasses } from './argmax';
import { expectedCalibrationError, negativeLogLikelihood } from './calibration';
import { addToCalibration, createCalibrationStats } from './calibration-stats';
import { reservoirSample } from './reservoir';
import { finiteOrNull } from './summary';
import { applyTemperature, fitTemperature } from './temperature';
import type { PixelReservoir } from './types';

export interface TemperatureCheck {
  /** the fitted factor on the probabilities this run produced */
  readonly fitted: number;
  /** the card's temperature this run sampled with (1 when none) */
  readonly previous: number;
  /** previous * fitted: what --save-temperature writes (softmax(log softmax(z/a)/b) = softmax(z/(ab))) */
  readonly combined: number;
  readonly pixels: number;
  readonly eceBefore: number | null;
  readonly eceAfter: number | null;
  readonly nllBefore: number | null;
  readonly nllAfter: number | null;
}

/** ECE and NLL of a pixel sample (class-major probs [C, M], every label a class). */
export function sampleCalibration(probs: Float32Array, labels: Uint8Array, numClasses: number, bins: number): { ece: number | null; nll: number | null } {
  const { predicted, confidence } = argmaxClasses(probs, numClasses);
  const stats = addToCalibration(createCalibrationStats(numClasses, { bins }), { labels, predicted, confidence, probs });
  return { ece: finiteOrNull(expectedCalibrationError(stats)), nll: finiteOrNull(negativeLogLikelihood(stats)) };
}

/** Fits a temperature on the reservoir's pixels (the run sampled at `previous`) and checks it there. */
export function checkTemperatureFit(reservoir: PixelReservoir, options: { numClasses: number; bins: number; previous: number }): TemperatureCheck {
  const { numClasses, bins, previous } = options;
  const sample = reservoirSample(reservoir);
  const fit = fitTemperature(sample, { numClasses });
  const before = sampleCalibration(sample.probs, sample.labels, numClasses, bins);
  const after = sampleCalibration(applyTemperature(sample.probs, numClasses, fit.temperature), sample.labels, numClasses, bins);
  return {
    fitted: fit.temperature, previous, combined: previous * fit.temperature, pixels: fit.pixels,
    eceBefore: before.ece, eceAfter: after.ece, nllBefore: finiteOrNull(fit.nllAtOne), nllAfter: finiteOrNull(fit.nll),
  };
}
