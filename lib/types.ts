/**
 * Public types of segnet-uq, in one place. Implementations live beside their concern:
 * lib/onnx (protobuf model access), lib/graph (dropout rewrite, prefix split, in-graph
 * aggregation), lib/engine (sessions and the MC sampler), lib/image (decode, resize, encode,
 * colormaps), lib/metrics (pure metric functions and streamed statistics), lib/report (maps,
 * charts, HTML, summary.json) and lib/commands (one function per CLI command).
 */

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/** An 8-bit RGB image, row-major, 3 bytes per pixel (alpha is composited away on decode). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** length width*height*3 */
  readonly data: Uint8Array;
}

/** A single-channel 8-bit image (label masks: one class index per pixel). */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** length width*height */
  readonly data: Uint8Array;
}

/** An 8-bit RGBA image, as pngjs writes it. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** length width*height*4 */
  readonly data: Uint8Array;
}

/** A float map of one value per pixel. */
export interface FloatMap {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Image container formats the decoder recognises by their magic bytes. */
export type ImageFormat = 'png' | 'jpeg';

/** What an image file declares in its header, read without decoding the pixels. */
export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** An 8-bit colour [r, g, b], each 0..255. */
export type RgbColor = readonly [number, number, number];

/** Perceptually uniform colormaps (matplotlib's tables). */
export type ColormapName = 'viridis' | 'magma' | 'inferno' | 'cividis';

// ---------------------------------------------------------------------------------------------
// Model card
// ---------------------------------------------------------------------------------------------

export interface ModelClass {
  readonly name: string;
  /** display colour [r, g, b], 0..255 */
  readonly color: readonly [number, number, number];
}

/** The JSON beside each .onnx file (models/NAME.json for models/NAME.onnx). */
export interface ModelCard {
  readonly name: string;
  readonly description?: string;
  readonly classes: readonly ModelClass[];
  readonly input: {
    /** graph input name; defaults to the model's first input */
    readonly name?: string;
    readonly width: number;
    readonly height: number;
    /** only NCHW is supported */
    readonly layout: 'NCHW';
    /** per channel, applied to RGB in 0..1: (x - mean) / std */
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
  };
  readonly output: {
    readonly name?: string;
    /** 'logits' get a softmax in the graph; 'probabilities' are used as they are */
    readonly kind: 'logits' | 'probabilities';
  };
  /** label value ignored in metrics (CamVid: 11) */
  readonly ignoreIndex?: number;
  /** the dropout points the model carries, informational (the rewrite finds them itself) */
  readonly dropout?: { readonly points: readonly string[]; readonly rate: number };
  /** softmax temperature fitted by `calibrate --fit-temperature` (1 = none) */
  readonly temperature?: number;
  readonly metrics?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Engine
// ---------------------------------------------------------------------------------------------

/** Execution providers: cpu and webgpu ship with onnxruntime-node; cuda needs the cuda12 install. */
export type Device = 'cpu' | 'cuda' | 'webgpu';

/** Uncertainty maps of one image at the model's input resolution. */
export interface UncertaintyMaps {
  readonly width: number;
  readonly height: number;
  readonly numClasses: number;
  readonly samples: number;
  /** mean class probabilities, class-major [C, H, W] */
  readonly meanProbs: Float32Array;
  /** argmax of the mean probabilities [H, W] */
  readonly predicted: Uint8Array;
  /** max mean probability [H, W] */
  readonly confidence: Float32Array;
  /** H[E p] in nats [H, W] */
  readonly predictiveEntropy: Float32Array;
  /** E[H p] in nats [H, W] */
  readonly expectedEntropy: Float32Array;
  /** H[E p] - E[H p] (BALD), nats [H, W] */
  readonly mutualInformation: Float32Array;
  /** per-class variance of the sampled probabilities, class-major [C, H, W] (population variance, divisor N) */
  readonly variance: Float32Array;
  /** mean over classes of `variance` [H, W] (the Bayesian SegNet paper's uncertainty map) */
  readonly meanVariance: Float32Array;
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

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
  /** equal-width confidence bins over [0, 1] (default 15) */
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

// ---------------------------------------------------------------------------------------------
// Web demo (`segnet-uq serve`, lib/server)
// ---------------------------------------------------------------------------------------------

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
