import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileModel, type CompiledModel } from '../lib/engine/compile';
import { isMirrored, mirrorWidth, orientationRuns } from '../lib/engine/flip';
import { McSampler } from '../lib/engine/sampler';
import type { Tta } from '../lib/engine/flip';
import { decodeModel } from '../lib/onnx/model';
import { noDropout, segnetMini, testImage } from './fixtures/tiny-models';
import { assertMapsClose, assertMapsIdentical, DIMS, naiveMaps, referenceSamples } from './fixtures/mc-reference';

const image = testImage();
const [, , H, W] = DIMS;
const TOL = 1e-5;

async function compile(bytes: Uint8Array): Promise<CompiledModel> {
  return compileModel(decodeModel(bytes), { inputDims: DIMS, outputKind: 'logits' });
}

async function withSampler<T>(compiled: CompiledModel, batch: number, tta: Tta, fn: (s: McSampler) => Promise<T>): Promise<T> {
  const sampler = await McSampler.create(compiled, { batch, tta });
  try {
    return await fn(sampler);
  } finally {
    await sampler.release();
  }
}

/** Slow reference: sample s runs the unsplit model on the image (even s) or its mirror (odd s, probabilities mirrored back). */
async function flipReference(bytes: Uint8Array, compiled: CompiledModel, n: number, seed: number, imageKey: number) {
  const mirrored = new Float32Array(image.length);
  for (let r = 0; r < 3 * H; r++) for (let x = 0; x < W; x++) mirrored[r * W + x] = image[r * W + (W - 1 - x)];
  const probs: Float64Array[] = [];
  let classes = 0;
  for (let s = 0; s < n; s++) {
    const odd = s % 2 === 1;
    const ref = await referenceSamples(bytes, compiled, odd ? mirrored : image, { outputKind: 'logits', seed, imageKey, first: s, samples: 1 });
    classes = ref.classes;
    const p = ref.probs[0];
    if (!odd) { probs.push(p); continue; }
    const back = new Float64Array(p.length);
    for (let r = 0; r < p.length / W; r++) for (let x = 0; x < W; x++) back[r * W + x] = p[r * W + (W - 1 - x)];
    probs.push(back);
  }
  return naiveMaps(probs, classes, H, W);
}

test('mirrorWidth reverses every row; orientationRuns splits by sample parity, masks keyed by index', () => {
  const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const m = mirrorWidth(data, 4);
  for (let r = 0; r < 6; r++) for (let x = 0; x < 4; x++) assert.is(m[r * 4 + x], data[r * 4 + 3 - x]);
  assert.equal(Array.from(mirrorWidth(m, 4)), Array.from(data));
  assert.throws(() => mirrorWidth(new Float32Array(7), 4), (e: Error) => e instanceof RangeError && /7 values are not whole rows of width 4/.test(e.message));
  assert.equal(orientationRuns('flip', 3, 4), [{ mirrored: false, samples: [4, 6] }, { mirrored: true, samples: [3, 5] }]);
  assert.equal(orientationRuns('none', 3, 2), [{ mirrored: false, samples: [3, 4] }]);
  assert.ok(isMirrored('flip', 1) && !isMirrored('flip', 0) && !isMirrored('none', 1));
});

test('--tta flip: the maps equal a slow per-sample reference (image / mirror alternating), any chunk size', async () => {
  const bytes = segnetMini();
  const compiled = await compile(bytes);
  const ref = await flipReference(bytes, compiled, 7, 3, 11);
  for (const batch of [1, 3]) {
    const maps = await withSampler(compiled, batch, 'flip', (s) => s.sample(image, { samples: 7, seed: 3, imageKey: 11 }));
    assertMapsClose(maps, ref, TOL, `batch ${batch}`);
  }
  // and it is not the plain run: the mirror changes the numbers
  const plain = await withSampler(compiled, 1, 'none', (s) => s.sample(image, { samples: 7, seed: 3, imageKey: 11 }));
  let diff = 0;
  for (let i = 0; i < plain.meanProbs.length; i++) diff = Math.max(diff, Math.abs(plain.meanProbs[i] - ref.meanProbs[i]));
  assert.ok(diff > 1e-3, `flip and plain runs differ by only ${diff}`);
});

test('--tta flip stays nested and reproducible: the first k samples of N=8 are the N=k run; the same seed repeats exactly', async () => {
  const compiled = await compile(segnetMini());
  const snaps: { k: number; maps: Awaited<ReturnType<McSampler['sample']>> }[] = [];
  const full = await withSampler(compiled, 2, 'flip', (s) => s.sample(image, { samples: 8, seed: 9, imageKey: 4, snapshots: [1, 3, 8],
    onSnapshot: (maps) => snaps.push({ k: maps.samples, maps }) }));
  for (const { k, maps } of snaps) {
    const alone = await withSampler(compiled, 1, 'flip', (s) => s.sample(image, { samples: k, seed: 9, imageKey: 4 }));
    assertMapsClose(maps, alone, TOL, `N=${k}`);
  }
  const again = await withSampler(compiled, 2, 'flip', (s) => s.sample(image, { samples: 8, seed: 9, imageKey: 4, snapshots: [1, 3, 8] }));
  assertMapsIdentical(full, again, 'same seed');
  // a run that starts at an odd sample (a later shard of samples) starts on the mirror
  const tail = await withSampler(compiled, 1, 'flip', (s) => s.sample(image, { samples: 1, seed: 9, imageKey: 4, firstSample: 1 }));
  const ref = await flipReference(segnetMini(), compiled, 2, 9, 4);
  const second = Float64Array.from(ref.meanProbs, (v, i) => 2 * v - snaps[0].maps.meanProbs[i]); // mean of 2 minus sample 0
  for (let i = 0; i < second.length; i++) assert.ok(Math.abs(tail.meanProbs[i] - second[i]) < 1e-4, `sample 1 at ${i}`);
});

test('--tta flip on a model without dropout: the mean of one pass of the image and one of its mirror', async () => {
  const bytes = noDropout();
  const compiled = await compile(bytes);
  assert.ok(compiled.deterministic);
  const maps = await withSampler(compiled, 1, 'flip', (s) => s.sample(image, { samples: 5, seed: 0, imageKey: 0 }));
  const ref = await flipReference(bytes, compiled, 2, 0, 0);
  assert.is(maps.samples, 5); // as without --tta: a deterministic model reports the samples asked for
  assertMapsClose(maps, { ...ref, samples: 5 }, TOL, 'two passes');
});

test('an unknown tta mode is refused, naming the value', async () => {
  const compiled = await compile(segnetMini());
  await McSampler.create(compiled, { tta: 'rotate' as Tta }).then(() => assert.unreachable('accepted'),
    (e: Error) => assert.match(e.message, /tta must be 'none' or 'flip', got "rotate"/));
});

test.run();
