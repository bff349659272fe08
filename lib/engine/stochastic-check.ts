/**
 * At start: do two MC samples of one image differ? A model can keep Dropout nodes that do
 * nothing (ratio 0, or a dropout whose effect the graph cancels), and then every "uncertainty"
 * map would be the softmax entropy alone while claiming MC dropout. A fixed pseudo-random image
 * is sampled twice, then 8 times before refusing (a low rate on a small tensor can keep every unit).
 */
import { ModelError } from '../onnx/model';
import type { CompiledModel } from './compile';
import type { McSampler } from './sampler';

export async function checkSamplesDiffer(sampler: McSampler, compiled: CompiledModel, file: string): Promise<void> {
  if (compiled.deterministic) return;
  const size = compiled.inputDims.reduce((a, b) => a * b, 1);
  const input = new Float32Array(size);
  let state = 12345;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    input[i] = (state / 2 ** 32) * 4 - 2;
  }
  // two samples settle it for nearly every model (a start-up cost of two suffix passes); eight
  // before refusing, for a low rate on a small tensor
  for (const samples of [2, 8]) {
    const maps = await sampler.sample(input, { samples, seed: 0, imageKey: 0x5eed });
    if (maps.meanVariance.some((v) => v > 0)) return;
  }
  const points = compiled.points.map((p) => `${p.node} (p=${p.rate})`).join(', ');
  const cause = compiled.points.every((p) => p.rate === 0)
    ? 'every dropout rate is 0 (the ratio stored in the model); pass --dropout-rate P with the rate it was trained with'
    : 'the dropout has no effect on the output (removed or cancelled downstream); inject one with --dropout-at TENSOR[:p]';
  throw new ModelError(file, `8 MC samples of one image are identical although the model has dropout at ${points}: ${cause}`);
}
