/**
 * `--samples analytic` as one session run per image: the model compiled to its moment graph
 * (propagate.ts) with the Gaussian-logit draws and the MC aggregation appended
 * (logit-sampling.ts), run in the engine's ONNX Runtime session on the same device; the outputs
 * merge as one chunk of S draws into the maps MC produces.
 */
import type { UncertaintyMaps } from '../engine/types';
import { AGG_ENTROPY_SUM, AGG_M2, AGG_MEAN, AGG_VOTES } from '../graph/aggregate';
import { removeDropouts, rewriteDropouts, type RewriteOptions } from '../graph/dropout-rewrite';
import { floatBoundary } from '../graph/float-boundary';
import { stochasticTensors } from '../graph/split';
import { probeTensors } from '../engine/compile';
import { createSession, ort, type SessionOptions } from '../engine/session';
import { createAccumulator, finishMaps, mergeChunk } from '../engine/uncertainty-maps';
import { ANALYTIC_DEFAULTS } from '../defaults';
import { encodeModel, type Graph, type Model } from '../onnx/model';
import { appendLogitSampling, LOGIT_NOISE, logitNoise } from './logit-sampling';
import { propagateMoments, type MomentModel } from './propagate';

export interface AnalyticOptions extends RewriteOptions {
  /** the image input, resolved (CompiledModel.inputName) */
  readonly inputName: string;
  readonly inputDims: readonly number[];
  readonly outputName: string;
  readonly outputKind: 'logits' | 'probabilities';
  readonly temperature?: number;
  readonly dropout?: 'mc' | 'off';
  /** draws of the Gaussian logits per pixel, even [ANALYTIC_DEFAULTS.logitSamples] */
  readonly logitSamples?: number;
  readonly file?: string;
}

export interface AnalyticModel {
  readonly bytes: Uint8Array;
  readonly inputName: string;
  readonly inputDims: readonly number[];
  readonly classes: number;
  readonly logitSamples: number;
}

/** The moment graph alone (outputs: the logits' mean, then their variance) and the class count. */
export async function compileMoments(source: Model, options: AnalyticOptions, session: SessionOptions = {}): Promise<MomentModel & { classes: number }> {
  let model = floatBoundary(source, options.inputName, options.outputName);
  if (options.dropout === 'off') model = removeDropouts(model);
  const { model: rewritten, points } = rewriteDropouts(model, options.dropout === 'off' ? {} : options);
  const graph = rewritten.graph as Graph;
  const tainted = stochasticTensors(graph, points.map((p) => p.maskInput));
  // shapes of the tensors around stochastic nodes, from one run of the model with dropout off
  const probe = removeDropouts(model);
  const produced = new Set(((probe.graph as Graph).node ?? []).flatMap((n) => n.output ?? []));
  const wanted = new Set([options.outputName]);
  for (const n of graph.node ?? []) {
    if (!(n.output ?? []).some((t) => tainted.has(t))) continue;
    for (const t of [...(n.input ?? []), ...(n.output ?? [])]) if (produced.has(t)) wanted.add(t);
  }
  const probed = await probeTensors(probe, options.inputName, options.inputDims, [...wanted], session);
  const shapes = new Map([...probed].map(([t, p]) => [t, p.dims]));
  const moments = propagateMoments(rewritten, { outputName: options.outputName, outputKind: options.outputKind, points, shapes, file: options.file ?? '<model>' });
  return { ...moments, classes: (shapes.get(options.outputName) as number[])[1] };
}

export async function compileAnalytic(source: Model, options: AnalyticOptions, session: SessionOptions = {}): Promise<AnalyticModel> {
  const samples = options.logitSamples ?? ANALYTIC_DEFAULTS.logitSamples;
  if (!Number.isInteger(samples) || samples < 2 || samples % 2 !== 0) throw new RangeError(`logit samples must be an even integer >= 2, got ${samples}`);
  const m = await compileMoments(source, options, session);
  appendLogitSampling(m.model, m.mean, m.variance, { samples, classes: m.classes, temperature: options.temperature });
  return { bytes: encodeModel(m.model), inputName: options.inputName, inputDims: options.inputDims, classes: m.classes, logitSamples: samples };
}

export class AnalyticPass {
  private noise: { seed: number; tensor: ort.Tensor } | null = null;

  private constructor(readonly compiled: AnalyticModel, private readonly session: ort.InferenceSession) {}

  static async create(source: Model, options: AnalyticOptions, session: SessionOptions = {}): Promise<AnalyticPass> {
    const compiled = await compileAnalytic(source, options, session);
    return new AnalyticPass(compiled, await createSession(compiled.bytes, session));
  }

  /** The maps of one preprocessed image ([1, 3, H, W]); `seed` draws the logit noise. */
  async run(input: Float32Array, seed: number): Promise<UncertaintyMaps> {
    const c = this.compiled;
    if (this.noise?.seed !== seed) {
      this.noise = { seed, tensor: new ort.Tensor('float32', logitNoise(seed, c.logitSamples, c.classes), [c.logitSamples, c.classes, 1, 1]) };
    }
    const out = await this.session.run({ [c.inputName]: new ort.Tensor('float32', input, c.inputDims.slice()), [LOGIT_NOISE]: this.noise.tensor });
    const [, classes, height, width] = out[AGG_MEAN].dims;
    const acc = createAccumulator(classes, height * width);
    mergeChunk(acc, c.logitSamples, out[AGG_MEAN].data as Float32Array, out[AGG_M2].data as Float32Array,
      out[AGG_ENTROPY_SUM].data as Float32Array, out[AGG_VOTES].data as Float32Array);
    // one network pass: the maps record 1 sample
    return finishMaps(acc, classes, width, height, 1);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
