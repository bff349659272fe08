/**
 * The web demo's API answers (`segnet-uq serve`): what a client of the JSON endpoints reads, the
 * page (lib/server/page/client.ts) included, so this file imports types only.
 */
import type { ModelCard } from '../model/types';

/** JSON answer of GET /api/model: the card, the dropout found, and the limits the page starts from. */
export interface ModelResponse {
  readonly card: ModelCard;
  /** no dropout in the graph: every sample is the same */
  readonly deterministic: boolean;
  readonly dropoutPoints: readonly { readonly tensor: string; readonly rate: number }[];
  readonly limits: {
    readonly defaultSamples: number;
    readonly maxSamples: number;
    readonly maxUpload: number;
    readonly maxPixels: number;
    readonly concurrency: number;
    readonly queue: number;
  };
  readonly warnings: readonly string[];
}

/** Links of one served result; every path starts with /api/result/ID (a random id). */
export interface SegmentLinks {
  readonly classMap: string;
  readonly entropy: string;
  readonly mutualInformation: string;
  readonly variance: string;
  readonly overlay: string;
  /** GET ?x=&y= (image pixels) -> PixelResponse */
  readonly pixel: string;
  /** GET -> this SegmentResponse again (the per-image JSON) */
  readonly json: string;
  /** GET -> a tar of the PNG maps and result.json */
  readonly download: string;
  /** with serve --conformal, when the request's samples and seed are the file's: the set-size map */
  readonly setSize?: string;
}

/** What a job needs of serve --conformal: the sets, or why this request gets none. */
export interface ConformalJob {
  /** lib/conformal/apply.ts ConformalSets */
  readonly sets: { readonly method: 'lac' | 'aps'; readonly thresholds: readonly number[] } | null;
  readonly method: string;
  readonly risk: string;
  readonly alpha: number;
  /** when `sets` is null */
  readonly reason?: string;
}

/** SegmentResponse.conformal: the sets at the model's resolution, or why there are none. */
export interface ConformalAnswer {
  readonly applied: boolean;
  readonly method: string;
  readonly risk: string;
  readonly alpha: number;
  readonly meanSetSize?: number;
  /** share of pixels whose set holds more than one class */
  readonly ambiguous?: number;
  readonly reason?: string;
}

/** JSON answer of POST /api/segment (and GET /api/result/ID). */
export interface SegmentResponse {
  readonly id: string;
  readonly model: string;
  /** the uploaded image's size in pixels */
  readonly width: number;
  readonly height: number;
  /** the size the PNG maps were rendered at (the image's, fitted into the display size) */
  readonly displayWidth: number;
  readonly displayHeight: number;
  readonly samples: number;
  readonly seed: number;
  /** server time from admission to answer, milliseconds */
  readonly ms: number;
  readonly timings: { readonly queueMs: number; readonly decodeMs: number; readonly sampleMs: number; readonly renderMs: number };
  /** means over the model-resolution maps: entropy and MI in nats */
  readonly summary: {
    readonly meanEntropy: number;
    readonly meanExpectedEntropy: number;
    readonly meanMutualInformation: number;
    readonly meanVariance: number;
    readonly meanConfidence: number;
  };
  /** share of pixels predicted as each class, by class index */
  readonly classFractions: readonly number[];
  /** colour-scale range of each heatmap, for the colour bars */
  readonly ranges: {
    readonly entropy: readonly [number, number];
    readonly mutualInformation: readonly [number, number];
    readonly variance: readonly [number, number];
  };
  readonly links: SegmentLinks;
  readonly warnings: readonly string[];
  /** with serve --conformal */
  readonly conformal?: ConformalAnswer;
}

/** JSON answer of GET /api/result/ID/pixel: the maps at one image pixel (bilinear, as drawn). */
export interface PixelResponse {
  readonly x: number;
  readonly y: number;
  readonly predicted: number;
  readonly className: string;
  readonly confidence: number;
  readonly entropy: number;
  readonly mutualInformation: number;
  readonly variance: number;
  /** mean class distribution over the MC samples, by class index (sums to 1) */
  readonly probabilities: readonly number[];
}

/** JSON answer of GET /api/progress/TOKEN (the page polls it while its request runs). */
export interface ProgressState {
  readonly state: 'queued' | 'decoding' | 'sampling' | 'rendering' | 'done' | 'error' | 'cancelled';
  /** samples done and planned (0 / samples before sampling starts) */
  readonly done: number;
  readonly total: number;
  /** 1-based place in the queue while queued */
  readonly position: number;
  /** result id once done */
  readonly id?: string;
  readonly error?: string;
}

/** GET /api/gallery (serve --gallery DIR): the folder's images, by id (their index) and file name. */
export interface GalleryResponse {
  readonly images: readonly { readonly id: string; readonly name: string }[];
}
