/**
 * One segmentation for the server: decode, MC sampling (cancellable between chunks), rendering
 * with the report's renderers, PNG encoding, and the JSON answer. Throws HttpError 400 for bad
 * image data and ClientGoneError once `signal` aborts.
 */
import type { ModelCard } from '../model/types';
import type { ConformalAnswer, ConformalJob, ProgressState, SegmentResponse } from './types';
import type { UncertaintyMaps } from '../engine/types';
import { applySets } from '../conformal/apply';
import { resampled, setSizeTop } from '../conformal/report-step';
import type { Segmenter } from '../engine/segmenter';
import { applyColormap, encodePng, ImageError } from '../image';
import { renderImageOutputs } from '../report/image-outputs';
import { processImage } from '../run/image-step';
import { ClientGoneError, HttpError } from './http-error';
import { newResultId, StoredResult } from './result-store';
import { plannedSamples, type SampleCount } from '../engine/convergence';

export interface SegmentJob {
  readonly bytes: Uint8Array;
  /** N, or --samples auto's rule (?samples=auto) */
  readonly samples: SampleCount;
  readonly seed: number;
  /** aborts between sampling chunks (an AbortSignal, or the worker's view of a shared flag) */
  readonly signal: { readonly aborted: boolean };
  /** milliseconds spent waiting for a slot, reported in the answer */
  readonly queueMs: number;
  readonly displayMaxSide: number;
  readonly onProgress?: (state: ProgressState) => void;
  /** serve --conformal: the sets to apply (at the model's resolution), or why none */
  readonly conformal?: ConformalJob;
}

/** The set-size PNG at the display size and the answer's numbers; the reason alone without sets. */
function conformalPart(job: ConformalJob, m: UncertaintyMaps, width: number, height: number): { answer: ConformalAnswer; png?: Buffer } {
  const head = { method: job.method, risk: job.risk, alpha: job.alpha };
  if (!job.sets) return { answer: { ...head, applied: false, ...(job.reason ? { reason: job.reason } : {}) } };
  const { record, sizes } = applySets(job.sets, m.meanProbs, m.width, m.height);
  const png = encodePng(applyColormap(resampled(sizes, m.width, m.height, width, height), width, height, { min: 1, max: setSizeTop(m.numClasses), name: 'viridis' }));
  return { answer: { ...head, applied: true, meanSetSize: round(record.meanSetSize), ambiguous: round(record.ambiguous) }, png };
}

function classFractions(predicted: Uint8Array, numClasses: number): number[] {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < predicted.length; i++) counts[predicted[i]]++;
  return Array.from(counts, (c) => c / Math.max(1, predicted.length));
}

const round = (v: number, digits = 6): number => Number(v.toFixed(digits));

function checkAlive(signal: { readonly aborted: boolean }): void {
  if (signal.aborted) throw new ClientGoneError('the client disconnected; the work was dropped');
}

export async function runSegmentJob(segmenter: Segmenter, job: SegmentJob): Promise<StoredResult> {
  const card: ModelCard = segmenter.card;
  const report = job.onProgress ?? ((): void => undefined);
  const planned = plannedSamples(job.samples);
  checkAlive(job.signal);
  report({ state: 'decoding', done: 0, total: planned, position: 0 });
  const t0 = performance.now();
  let prepared;
  try {
    prepared = await segmenter.prepare(job.bytes, 'upload');
  } catch (err) {
    if (err instanceof ImageError) throw new HttpError(400, err.message);
    throw err;
  }
  const t1 = performance.now();
  checkAlive(job.signal);
  report({ state: 'sampling', done: 0, total: planned, position: 0 });
  const { result, means } = await processImage(segmenter, prepared, {
    samples: job.samples, seed: job.seed,
    onProgress: (done, total) => {
      checkAlive(job.signal); // thrown here, the sampler stops before its next chunk
      report({ state: 'sampling', done, total, position: 0 });
    },
  });
  checkAlive(job.signal);
  report({ state: 'rendering', done: result.maps.samples, total: result.maps.samples, position: 0 });
  const t2 = performance.now();
  const { images, ranges } = renderImageOutputs(result.image, result.maps, card, job.displayMaxSide);
  const pngs = {
    classes: encodePng(images.classMap), entropy: encodePng(images.entropy),
    'mutual-information': encodePng(images.mutualInformation), variance: encodePng(images.variance), overlay: encodePng(images.overlay),
  };
  const cp = job.conformal ? conformalPart(job.conformal, result.maps, images.classMap.width, images.classMap.height) : null;
  const t3 = performance.now();
  const id = newResultId();
  const base = `/api/result/${id}`;
  const m = result.maps;
  const response: SegmentResponse = {
    id, model: card.name, width: result.image.width, height: result.image.height,
    displayWidth: images.classMap.width, displayHeight: images.classMap.height,
    samples: result.maps.samples, seed: job.seed,
    ms: Math.round(job.queueMs + t3 - t0),
    timings: { queueMs: Math.round(job.queueMs), decodeMs: Math.round(t1 - t0), sampleMs: Math.round(t2 - t1), renderMs: Math.round(t3 - t2) },
    summary: {
      meanEntropy: round(means.meanEntropy), meanExpectedEntropy: round(means.meanExpectedEntropy),
      meanMutualInformation: round(means.meanMutualInformation), meanVariance: round(means.meanVariance, 8),
      meanConfidence: round(means.meanConfidence),
    },
    classFractions: classFractions(m.predicted, m.numClasses).map((f) => round(f)),
    ranges: {
      entropy: [0, round(ranges.entropy[1])], mutualInformation: [0, round(ranges.mutualInformation[1])],
      variance: [0, round(ranges.variance[1], 8)],
    },
    links: {
      classMap: `${base}/classes.png`, entropy: `${base}/entropy.png`, mutualInformation: `${base}/mutual-information.png`,
      variance: `${base}/variance.png`, overlay: `${base}/overlay.png`, pixel: `${base}/pixel`, json: base, download: `${base}/download`,
      ...(cp?.png ? { setSize: `${base}/set-size.png` } : {}),
    },
    warnings: segmenter.warnings,
    ...(cp ? { conformal: cp.answer } : {}),
  };
  return {
    response, pngs, ...(cp?.png ? { setSizePng: cp.png } : {}),
    maps: {
      width: m.width, height: m.height, numClasses: m.numClasses, meanProbs: m.meanProbs,
      entropy: m.predictiveEntropy, mutualInformation: m.mutualInformation, variance: m.meanVariance,
    },
  };
}
