/**
 * The dropout rewrite against stock ONNX Runtime on the shipped model: the engine (Dropout nodes
 * rewritten to `x * mask`, masks from lib/engine/masks.ts, the graph split and aggregated) and the
 * ORIGINAL models/bayesian-segnet-camvid.onnx run N times in onnxruntime-node at
 * graphOptimizationLevel 'disabled' (where its six Dropout nodes, training_mode true, stay random)
 * must give the same per-pixel mean and variance of the class probabilities within sampling
 * error (test/fixtures/ort-dropout-reference.ts). The model's graph has its 288x384 size baked in,
 * so the image is full size and the sample counts are small (10 each, ~10 s).
 * The zoo models: engine-dropout-reference-zoo.test.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import { assertAgree, compareMoments, engineMaps, ortDropoutMoments } from './fixtures/ort-dropout-reference';

const MODEL = path.join(__dirname, '..', 'models', 'bayesian-segnet-camvid.onnx');
const H = 288, W = 384, N = 10;

/** A smooth pattern with a fine texture, about the range of a normalised photo. */
function pattern(): Float32Array {
  const input = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) input[(c * H + y) * W + x] = Math.sin(x / 17 + c) + Math.cos(y / 23) * 0.8 + ((x * 7 + y * 13) % 11) / 11 - 0.5;
    }
  }
  return input;
}

test(`shipped model: engine maps (N=${N}) and unmodified ORT sampling (${N} runs at 'disabled') agree per pixel in mean and variance`, async () => {
  const bytes = readFileSync(MODEL);
  const dims = [1, 3, H, W];
  const input = pattern();
  const maps = await engineMaps(bytes, input, dims, N);
  const ref = await ortDropoutMoments(bytes, input, dims, N);
  // agreeing samples gave mean t^2 1.06-1.15 and median ln ratios -0.06..0.04 (N=10 and 20);
  // a mask without the 1/(1-p) scale gave mean t^2 5690, rates read as 0.4 a ln ratio of -0.56
  assertAgree(compareMoments(maps, ref), 'bayesian-segnet-camvid', { meanT2Max: 1.6, logVarRatio: 0.25 });
});

test.run();
