/**
 * N=1 as one session run: the rewritten model unsplit (CompiledModel.single) with sample 0's
 * masks, instead of a prefix run plus a suffix run compiled for chunks. One sample has no
 * spread, so the maps come straight from the graph's outputs: mean = the sample's p, entropy =
 * the graph's entropy sum (H[E p] = E[H p] for one sample), variance, MI and variation ratio zero. The session
 * is made on the first N=1 image (a second copy of the weights, only when N=1 is asked for).
 */
import type { UncertaintyMaps } from './types';
import { AGG_ENTROPY_SUM } from '../graph/aggregate';
import { argmaxClasses } from '../metrics/argmax';
import type { CompiledModel } from './compile';
import { createSession, ort, SessionOptions } from './session';

export class SinglePass {
  private session: Promise<ort.InferenceSession> | null = null;

  constructor(private readonly build: () => Uint8Array, private readonly options: SessionOptions) {}

  static of(compiled: CompiledModel, options: SessionOptions): SinglePass | null {
    return compiled.single ? new SinglePass(compiled.single, options) : null;
  }

  /** Runs `feeds` (the image and one sample's masks) and turns the outputs into maps. */
  async run(feeds: Record<string, ort.Tensor>): Promise<UncertaintyMaps> {
    this.session ??= createSession(this.build(), this.options);
    const session = await this.session;
    const out = await session.run(feeds);
    const mean = out[session.outputNames[0]];
    const [, classes, height, width] = mean.dims;
    return singleSampleMaps(mean.data as Float32Array, out[AGG_ENTROPY_SUM].data as Float32Array, classes, width, height);
  }

  async release(): Promise<void> {
    if (this.session) await (await this.session).release();
  }
}

/** The maps of one sample: probabilities [C, P] and their entropy [P]. */
export function singleSampleMaps(probs: Float32Array, entropy: Float32Array, classes: number, width: number, height: number): UncertaintyMaps {
  const pixels = width * height;
  const { predicted, confidence } = argmaxClasses(probs, classes);
  return {
    width, height, numClasses: classes, samples: 1, meanProbs: probs, predicted, confidence,
    predictiveEntropy: entropy, expectedEntropy: Float32Array.from(entropy), mutualInformation: new Float32Array(pixels),
    variance: new Float32Array(classes * pixels), meanVariance: new Float32Array(pixels), variationRatio: new Float32Array(pixels),
  };
}
