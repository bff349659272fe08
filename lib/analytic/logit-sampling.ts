/**
 * From Gaussian logits to the maps MC gives: S draws z_s = mu + sigma * eps_s per pixel go
 * through the MC aggregation (softmax, mean, M2, entropy sum, argmax votes; lib/graph/aggregate.ts),
 * so the mean probabilities, predictive entropy, expected entropy, MI and variance are estimated
 * by sampling the propagated logit distribution, not by a closed form. The draws cost a softmax
 * per draw, no network pass. eps is the same S standard normal vectors for every pixel (common
 * random numbers: one [S, C, 1, 1] input, broadcast), in antithetic pairs (eps, -eps), so the
 * estimate of E[softmax] is exact to first order in sigma; drawn from the run's seed.
 */
import { appendAggregation } from '../graph/aggregate';
import { streamState } from '../engine/masks';
import { type Graph, type Model, onnx, valueInfo } from '../onnx/model';

export const LOGIT_NOISE = 'analytic_logit_noise';

/** the stream index of the logit noise in lib/engine/masks.ts's (seed, image, sample, point) keys */
const NOISE_STREAM = 0xa11a;

export function appendLogitSampling(model: Model, mean: string, variance: string | null, options: { readonly samples: number; readonly classes: number; readonly temperature?: number }): void {
  const graph = model.graph as Graph;
  const nodes = graph.node ?? [];
  const zero = 'analytic_zero';
  graph.initializer = [...(graph.initializer ?? []), { name: zero, dims: [], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(4) }];
  const node = (op: string, inputs: string[], out: string): void => { nodes.push({ opType: op, input: inputs, output: [out], name: out, domain: '' }); };
  if (variance) {
    node('Max', [variance, zero], 'analytic_logit_var');
    node('Sqrt', ['analytic_logit_var'], 'analytic_logit_sd');
  } else {
    node('Mul', [mean, zero], 'analytic_logit_sd');
  }
  node('Mul', ['analytic_logit_sd', LOGIT_NOISE], 'analytic_logit_noise_scaled');
  node('Add', [mean, 'analytic_logit_noise_scaled'], 'analytic_logit_draws');
  graph.node = nodes;
  graph.input = [...(graph.input ?? []), valueInfo(LOGIT_NOISE, onnx.TensorProto.DataType.FLOAT, [options.samples, options.classes, 1, 1])];
  graph.output = [{ name: 'analytic_logit_draws' }];
  appendAggregation(model, { output: 'analytic_logit_draws', outputKind: 'logits', temperature: options.temperature, decomposedSoftmax: true });
}

/** S standard normal C-vectors [S, C] (S even): S/2 Box-Muller draws from the seed's stream, then their negatives. */
export function logitNoise(seed: number, samples: number, classes: number): Float32Array {
  const s = streamState(seed, 0, 0, NOISE_STREAM);
  let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  const uniform = (): number => { // xoshiro128** as in masks.ts, to (0, 1)
    const r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
    return (r + 0.5) / 4294967296;
  };
  const half = (samples / 2) * classes;
  const out = new Float32Array(samples * classes);
  for (let i = 0; i < half; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const phi = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(phi);
    if (i + 1 < half) out[i + 1] = r * Math.sin(phi);
  }
  for (let i = 0; i < half; i++) out[half + i] = -out[i];
  return out;
}
