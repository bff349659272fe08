/** The model card: how to feed a model and read its output (validated by lib/model/card.ts). */
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
  /**
   * the colour of `ignoreIndex` pixels in RGB labels (CamVid's void: [0, 0, 0]); null or absent:
   * none, and a colour no class has is an error
   */
  readonly ignoreColor?: readonly [number, number, number] | null;
  /** the dropout points the model carries, informational (the rewrite finds them itself) */
  readonly dropout?: { readonly points: readonly string[]; readonly rate: number };
  /** softmax temperature fitted by `calibrate --fit-temperature` (1 = none) */
  readonly temperature?: number;
  readonly metrics?: Record<string, unknown>;
}

/** A model file and its card, found and read (resolveModel): the card is parsed once per run. */
export interface ResolvedModel {
  readonly modelPath: string;
  readonly cardPath: string;
  readonly card: ModelCard;
}
