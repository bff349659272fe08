/** Metric types: streamed sufficient statistics, per-image inputs and the JSON-ready summary. */

/**
 * Exact fixed-point sums (lib/metrics/fixed-sum.ts): entry i is (hi[i] * 2^40 + lo[i]) * 2^-24.
 * Every added value is rounded to a multiple of 2^-24 once; after that, adding and merging are
 * integer arithmetic, so sums are independent of image order and of how a run was sharded.
 */
export interface FixedSums {
  readonly hi: Float64Array;
  readonly lo: Float64Array;
}

/** Streamed confusion counts: counts[label * numClasses + predicted] (rows = label). */
export interface ConfusionMatrix {
  readonly numClasses: number;
  /** length numClasses^2, integer-valued (exact to 2^53) */
  readonly counts: Float64Array;
}

/** Streamed calibration statistics (lib/metrics/calibration-stats.ts). */
export interface CalibrationStats {
  readonly numClasses: number;
  /** equal-width confidence bins over [0, 1] (default DEFAULT_BINS) */
  readonly bins: number;
  /** fine confidence histogram resolution for adaptive (equal-mass) bins (default 1000) */
  readonly fineBins: number;
  /** per equal-width bin [bins]: pixel count, sum of confidence, count of correct pixels */
  readonly count: Float64Array;
  readonly sumConfidence: FixedSums;
  readonly correct: Float64Array;
  /** the same per fine bin [fineBins] */
  readonly fineCount: Float64Array;
  readonly fineSumConfidence: FixedSums;
  readonly fineCorrect: Float64Array;
  /** pixels that came with mean probabilities (Brier, NLL, class-wise ECE use only these) */
  probPixels: number;
  /** class-wise bins over p_k [numClasses * bins]: count, sum p_k, count of label == k */
  readonly classCount: Float64Array;
  readonly classSumProb: FixedSums;
  readonly classHits: Float64Array;
  /** [1] sums of the per-pixel Brier score and NLL */
  readonly sumBrier: FixedSums;
  readonly sumNll: FixedSums;
}

/** The per-pixel uncertainty maps metrics read (each [H, W], flat). */
export type UncertaintyKind = 'entropy' | 'mutualInformation' | 'variance';

/** Log-spaced bins on the float32 bits of a value (lib/metrics/log-bins.ts). */
export interface LogBinLayout {
  /** values below it share bin 0; a power of two */
  readonly floor: number;
  /** values above it share the last bin */
  readonly max: number;
  /** mantissa bits kept: relative bin width 2^-mantissaBits */
  readonly mantissaBits: number;
}

/** Streamed histogram of one uncertainty kind on log-spaced bins (lib/metrics/uncertainty-stats.ts). */
export interface UncertaintyHistogram {
  readonly kind: UncertaintyKind;
  readonly numClasses: number;
  readonly layout: LogBinLayout;
  /** pixels per bin [binCount(layout)] */
  readonly count: Float64Array;
  /** misclassified pixels per bin [binCount(layout)] */
  readonly errors: Float64Array;
}

/** Streamed patch counts for PAvPU (Mukhoti & Gal 2018) of one uncertainty kind. */
export interface PavpuStats {
  readonly kind: UncertaintyKind;
  readonly numClasses: number;
  /** the bins of the patch mean uncertainty; the thresholds swept are their lower edges */
  readonly layout: LogBinLayout;
  /** patch side in pixels (default 4) */
  readonly patchSize: number;
  /** accurate / inaccurate patches per bin of their mean uncertainty [binCount(layout)] */
  readonly accurate: Float64Array;
  readonly inaccurate: Float64Array;
}

/** Streamed per-class sums of one uncertainty kind over labelled pixels. */
export interface ClassUncertaintyStats {
  readonly numClasses: number;
  /** labelled pixels per class [numClasses] */
  readonly count: Float64Array;
  /** per kind, sums of the (clamped) uncertainty per class [numClasses] */
  readonly sums: Readonly<Record<UncertaintyKind, FixedSums>>;
}

/** Per-pixel uncertainty maps for one image, flat [H, W]. */
export interface PixelUncertainties {
  readonly entropy: Float32Array;
  readonly mutualInformation: Float32Array;
  /** the mean over classes of the per-class variance (UncertaintyMaps.meanVariance) */
  readonly variance: Float32Array;
}

/** One image as the metrics read it: flat arrays over the same N = width * height pixels. */
export interface MetricImageInput {
  readonly width: number;
  readonly height: number;
  /** class index per pixel [N]; ignoreIndex pixels are skipped everywhere */
  readonly labels: Uint8Array;
  /** predicted class per pixel [N] */
  readonly predicted: Uint8Array;
  /** max mean probability per pixel [N], in [0, 1] */
  readonly confidence: Float32Array;
  /** mean class probabilities, class-major [C, N]; optional (Brier, NLL, class-wise ECE) */
  readonly probs?: Float32Array;
  readonly uncertainties: PixelUncertainties;
}

/** Everything the metrics layer streams, bundled (lib/metrics/metric-stats.ts). */
export interface MetricStats {
  readonly numClasses: number;
  readonly ignoreIndex: number | null;
  images: number;
  readonly confusion: ConfusionMatrix;
  readonly calibration: CalibrationStats;
  readonly uncertainty: Readonly<Record<UncertaintyKind, UncertaintyHistogram>>;
  readonly pavpu: Readonly<Record<UncertaintyKind, PavpuStats>>;
  readonly classUncertainty: ClassUncertaintyStats;
}

/** One threshold of PAvPU in a summary (null where a ratio has no patches). */
export interface PavpuPointSummary {
  readonly threshold: number;
  readonly nAC: number;
  readonly nAU: number;
  readonly nIC: number;
  readonly nIU: number;
  readonly pavpu: number | null;
  readonly pAccurateGivenCertain: number | null;
  readonly pUncertainGivenInaccurate: number | null;
}

/** Uncertainty-quality metrics of one kind; fractions in 0..1, null where undefined. */
export interface UncertaintyKindSummary {
  readonly auroc: number | null;
  readonly aupr: number | null;
  readonly ause: number | null;
  readonly accuracyByPercentile: readonly { readonly percentile: number; readonly accuracy: number | null }[];
  readonly sparsification: {
    readonly fractions: readonly number[];
    readonly error: readonly (number | null)[];
    readonly oracle: readonly (number | null)[];
  };
  /**
   * best: the threshold maximising PAvPU (chosen with the labels, so optimistic); fixed: the
   * balanced (or requested) threshold; labelFree: the share of uncertain patches set to the
   * model's own expected error rate, 1 - mean confidence (no label needed)
   */
  readonly pavpu: { readonly best: PavpuPointSummary; readonly fixed: PavpuPointSummary; readonly labelFree: PavpuPointSummary };
  /** |auroc - the exact AUROC over the unbinned values| is at most this (ties inside one bin) */
  readonly aurocBinBound: number | null;
}

/** JSON-ready summary of MetricStats (summarizeMetrics): fractions in 0..1, NaN as null. */
export interface MetricSummary {
  readonly numClasses: number;
  readonly images: number;
  /** labelled (non-ignored) pixels */
  readonly pixels: number;
  readonly globalAccuracy: number | null;
  readonly classAverageAccuracy: number | null;
  readonly meanIoU: number | null;
  readonly perClass: readonly {
    readonly index: number;
    readonly iou: number | null;
    readonly accuracy: number | null;
    readonly frequency: number | null;
    readonly meanEntropy: number | null;
    readonly meanMutualInformation: number | null;
    readonly meanVariance: number | null;
  }[];
  readonly calibration: {
    readonly ece: number | null;
    readonly mce: number | null;
    readonly adaptiveEce: number | null;
    readonly classwiseEce: number | null;
    readonly brier: number | null;
    /** nats */
    readonly nll: number | null;
    /** the reliability diagram over the equal-width bins */
    readonly bins: {
      readonly binLower: readonly number[];
      readonly binUpper: readonly number[];
      readonly confidence: readonly (number | null)[];
      readonly accuracy: readonly (number | null)[];
      readonly count: readonly number[];
      readonly gap: readonly (number | null)[];
    };
  };
  readonly uncertainty: Readonly<Record<UncertaintyKind, UncertaintyKindSummary>>;
}

/**
 * A bounded uniform sample of labelled pixels (reservoir sampling, seeded) for fitting a
 * temperature: memory is capacity * (numClasses * 4 + 1) bytes whatever the number of images.
 */
export interface PixelReservoir {
  readonly numClasses: number;
  readonly capacity: number;
  /** labelled pixels offered so far */
  seen: number;
  /** pixels held: min(seen, capacity) */
  size: number;
  /** pixel-major [capacity, C] (rows 0..size-1 used) */
  readonly probs: Float32Array;
  /** [capacity] */
  readonly labels: Uint8Array;
  /** PRNG state (mulberry32), saved with the sample so a resumed run stays reproducible */
  randomState: number;
}

/** Result of fitTemperature. */
export interface TemperatureFit {
  /** T minimising the NLL of softmax(log p / T) */
  readonly temperature: number;
  /** mean NLL (nats) at T */
  readonly nll: number;
  /** mean NLL at T = 1 (the input probabilities) */
  readonly nllAtOne: number;
  readonly pixels: number;
  readonly iterations: number;
}
