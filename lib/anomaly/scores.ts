/**
 * The anomaly scores: each uncertainty map read as "how likely is this pixel an object the model
 * never saw", higher meaning more anomalous. 1 - max probability is the maximum-softmax-
 * probability baseline (Hendrycks & Gimpel 2017); the variation ratio is the share of samples
 * whose class is not the most frequent one.
 */
import type { UncertaintyMaps } from '../engine/types';
import { defaultUncertaintyMax } from '../metrics/uncertainty-stats';

export type AnomalyKind = 'entropy' | 'mutualInformation' | 'variance' | 'maxProbability' | 'variationRatio';

export const ANOMALY_KINDS: readonly AnomalyKind[] = ['entropy', 'mutualInformation', 'variance', 'maxProbability', 'variationRatio'];

export const ANOMALY_KIND_LABEL: Readonly<Record<AnomalyKind, string>> = {
  entropy: 'predictive entropy', mutualInformation: 'mutual information', variance: 'mean class variance',
  maxProbability: '1 - max probability', variationRatio: 'variation ratio',
};

export function checkAnomalyKind(value: unknown): AnomalyKind {
  if (typeof value !== 'string' || !(ANOMALY_KINDS as readonly string[]).includes(value)) {
    throw new RangeError(`anomaly score must be one of ${ANOMALY_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as AnomalyKind;
}

/**
 * The largest value a score can take with C classes: ln C (entropy, MI), (1 - 1/C) / C (mean
 * class variance) and 1 - 1/C (1 - max probability, variation ratio). It bounds the score's bins.
 */
export function anomalyScoreMax(kind: AnomalyKind, numClasses: number): number {
  if (kind === 'maxProbability' || kind === 'variationRatio') return 1 - 1 / Math.max(2, numClasses);
  return defaultUncertaintyMax(kind, numClasses);
}

/** The score map of `kind` [H*W] (a view of the maps where one exists). */
export function anomalyScore(maps: UncertaintyMaps, kind: AnomalyKind): Float32Array {
  switch (kind) {
    case 'entropy': return maps.predictiveEntropy;
    case 'mutualInformation': return maps.mutualInformation;
    case 'variance': return maps.meanVariance;
    case 'variationRatio':
      if (!maps.variationRatio) throw new RangeError('the maps carry no variation ratio (made without the per-sample class votes)');
      return maps.variationRatio;
    default: {
      const c = maps.confidence;
      const out = new Float32Array(c.length);
      for (let i = 0; i < c.length; i++) out[i] = 1 - c[i];
      return out;
    }
  }
}
