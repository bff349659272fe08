/** summary.json: what a script reads from a report. Bump SCHEMA_VERSION on breaking changes. */
import type { AutoSamples } from '../engine/convergence';
import type { RankBy, Reduction, ReviewScores } from './review';
import type { HeatmapRanges, ImageOutputs } from './image-outputs';
import type { NpyOutputs } from './npy-outputs';

/** The PNGs (unless --no-images) and, with --save-maps, the .npy maps under `npy`. */
export type ReportImageOutputs = (ImageOutputs & { readonly npy?: NpyOutputs })
  | ({ readonly [K in keyof ImageOutputs]?: undefined } & { readonly npy: NpyOutputs });

/** N, { auto } with the stopping rule's bounds (--samples auto), or 'analytic' (moment propagation, no sampling) */
export type SamplesSetting = number | { readonly auto: AutoSamples } | 'analytic';

export const SCHEMA_VERSION = 1;

export interface ImageMetrics {
  readonly globalAccuracy: number;
  readonly meanIoU: number | null;
  /** this image's confusion counts, flat [label * C + predicted]: lets --resume re-use the image exactly */
  readonly confusion?: readonly number[];
}

/** What --resume compares: an image is re-used only when all of these match. */
export interface ReportSettings {
  readonly model: { readonly path: string; readonly sha256: string };
  readonly card: { readonly path: string; readonly sha256: string };
  readonly samples: SamplesSetting;
  readonly seed: number;
  readonly temperature: number;
  readonly dropoutPoints: readonly { readonly tensor: string; readonly rate: number }[];
  readonly device: string;
  readonly labels: string | null;
  readonly ignoreIndex: number | null;
  /** 'flip' when odd samples saw the mirrored image (--tta flip); absent: no test-time augmentation */
  readonly tta?: 'flip';
  /** the --conformal file the sets came from, by content; absent without one */
  readonly conformal?: { readonly path: string; readonly sha256: string };
}

export interface ReportImage {
  /** anchor and folder name under images/ */
  readonly id: string;
  /** the input path as given */
  readonly file: string;
  readonly sha256: string;
  /** size as displayed (after the EXIF orientation) */
  readonly width: number;
  readonly height: number;
  /** the file's format by content ('png', 'jpeg', 'webp', 'tiff', 'gif', 'avif') */
  readonly format?: string;
  /** the EXIF orientation (1..8) applied before preprocessing; 1: stored upright or no tag */
  readonly orientation?: number;
  readonly meanEntropy: number;
  readonly meanExpectedEntropy: number;
  readonly meanMutualInformation: number;
  readonly meanVariance: number;
  readonly meanConfidence: number;
  /** mean variation ratio (share of samples whose argmax is not the mode); absent for deterministic maps without it */
  readonly variationRatio?: number;
  /** review-queue scores with their reductions (lib/report/review.ts) */
  readonly review?: Partial<ReviewScores>;
  /** the MC samples this image got (with --samples auto, where its maps converged); absent before 0.1 summaries recorded it */
  readonly samples?: number;
  /** sampling time (session runs and aggregation) */
  readonly ms: number;
  /** the image's files, relative to the report; absent when the run was made with `images: false` */
  readonly outputs?: ReportImageOutputs;
  readonly ranges?: HeatmapRanges;
  readonly metrics?: ImageMetrics;
  /** with --conformal: this image's prediction sets (lib/conformal/apply.ts) */
  readonly conformal?: ImageConformal;
}

/** images[].conformal: one image's conformal prediction sets, from the fitted --conformal file. */
export interface ImageConformal {
  /** mean over the image's pixels of the set size */
  readonly meanSetSize: number;
  /** share of the image's pixels whose set holds more than one class */
  readonly ambiguous: number;
  /** with a label: share of its labelled, not ignored pixels whose true class is in the set; null when none is */
  readonly coverage?: number | null;
  /** with a label: the coverage of each class's pixels, in the card's order (null: the class is not in the label) */
  readonly byClass?: readonly (number | null)[];
  /** with a label: the coverage by object size (lib/conformal/components.ts SIZE_BINS) */
  readonly bySize?: readonly (number | null)[];
}

/** `report --rank-by`: the images in review order, most uncertain first (lib/report/ranking.ts) */
export interface Ranking {
  readonly by: RankBy;
  readonly reduction: Reduction;
  /** the --top asked for, when one was (a merge of shards re-ranks with it) */
  readonly top?: number;
  readonly images: readonly { readonly rank: number; readonly file: string; readonly score: number }[];
}

export interface ReportError {
  readonly file: string;
  readonly message: string;
}

export interface ReportSummary {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
  /** false while a run is in progress or was interrupted */
  readonly complete: boolean;
  readonly model: {
    readonly path: string;
    readonly name: string;
    readonly deterministic: boolean;
    readonly dropoutPoints: readonly { readonly tensor: string; readonly rate: number }[];
    readonly inputWidth: number;
    readonly inputHeight: number;
    readonly temperature: number;
  };
  readonly samples: SamplesSetting;
  readonly seed: number;
  readonly batch: number;
  readonly device: string;
  readonly images: readonly ReportImage[];
  readonly errors: readonly ReportError[];
  readonly warnings: readonly string[];
  /** the settings --resume checks before re-using finished images */
  readonly settings?: ReportSettings;
  /** with --labels: streamed over every labelled image */
  readonly metrics?: { readonly globalAccuracy: number; readonly classAverageAccuracy: number; readonly meanIoU: number } & Record<string, unknown>;
  /** with a ranking asked for (report --rank-by) and the run complete; also OUT/ranking.csv */
  readonly ranking?: Ranking;
}
