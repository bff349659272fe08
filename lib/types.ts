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
