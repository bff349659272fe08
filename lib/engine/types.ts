/** Engine types: execution providers and the per-pixel maps the sampler produces. */
/** Execution providers: cpu and webgpu ship with onnxruntime-node; cuda needs the cuda12 install. */
export type Device = 'cpu' | 'cuda' | 'webgpu';

/** The maps after the first `maps.samples` samples of a longer run, and the sampling time to get there. */
export interface MapsSnapshot {
  readonly maps: UncertaintyMaps;
  /** sampling milliseconds to reach this count (prefix included) */
  readonly ms: number;
}

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
  /**
   * share of the samples whose argmax differs from the most frequent one [H, W], in 0..1-1/C;
   * set by the sampler (absent where maps were made without the per-sample argmax counts)
   */
  readonly variationRatio?: Float32Array;
}
