import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileModel, CompileOptions } from '../lib/engine/compile';
import { McSampler } from '../lib/engine/sampler';
import { singleSampleMaps } from '../lib/engine/single-pass';
import { decodeModel } from '../lib/onnx/model';
import { identityDropout, imageSkip, marginDropout, opset11Dropout, segnetMini, testImage } from './fixtures/tiny-models';
import { assertMapsClose, DIMS, naiveMaps, referenceSamples } from './fixtures/mc-reference';

const image = testImage();
const TOL = 1e-5;

const single = suite('N=1 in one run of the whole graph');

const cases: { name: string; bytes: () => Uint8Array; kind: CompileOptions['outputKind']; extra?: Partial<CompileOptions> }[] = [
  { name: 'segnet-mini (two dropouts, skip)', bytes: () => segnetMini(), kind: 'logits' },
  { name: 'segnet-mini, temperature 2', bytes: () => segnetMini(), kind: 'logits', extra: { temperature: 2 } },
  { name: 'identity dropout as logits', bytes: () => identityDropout({ ratio: 0.2, positive: false }), kind: 'logits' },
  { name: 'opset 11 (reductions instead of Softmax)', bytes: () => opset11Dropout(), kind: 'logits' },
  { name: 'dropout on the image with an image skip', bytes: () => imageSkip(), kind: 'logits' },
];

for (const c of cases) {
  single(`${c.name}: the reference's sample s (same masks), for several s`, async () => {
    const bytes = c.bytes();
    const compiled = await compileModel(decodeModel(bytes), { inputDims: DIMS, outputKind: c.kind, ...c.extra });
    const sampler = await McSampler.create(compiled, { batch: 8 });
    try {
      for (const first of [0, 3]) {
        const maps = await sampler.sample(image, { samples: 1, seed: 9, imageKey: 21, firstSample: first });
        const ref = await referenceSamples(bytes, compiled, image, { outputKind: c.kind, temperature: c.extra?.temperature, seed: 9, imageKey: 21, first, samples: 1 });
        assertMapsClose(maps, naiveMaps(ref.probs, ref.classes, ref.height, ref.width), TOL, `${c.name} s=${first}`);
        assert.is(maps.samples, 1);
      }
      // nested: the N=1 map is the first sample of any larger run
      const two = await sampler.sample(image, { samples: 2, seed: 9, imageKey: 21 });
      const ref2 = await referenceSamples(bytes, compiled, image, { outputKind: c.kind, temperature: c.extra?.temperature, seed: 9, imageKey: 21, samples: 2 });
      assertMapsClose(two, naiveMaps(ref2.probs, ref2.classes, ref2.height, ref2.width), TOL, `${c.name} N=2`);
    } finally {
      await sampler.release();
    }
  });
}

single('a deterministic model has no single-pass graph (its suffix is the whole model already)', async () => {
  const compiled = await compileModel(decodeModel(marginDropout(1, 1)), { inputDims: DIMS, outputKind: 'logits', dropout: 'off' });
  assert.is(compiled.single, null);
});

single('singleSampleMaps: argmax, confidence, zero variance and MI, entropy as given', () => {
  const probs = Float32Array.of(0.2, 0.7, 0.5, 0.3, 0.3, 0.1, 0.1, 0.4); // 4 classes x 2 pixels, class-major
  const entropy = Float32Array.of(1.1, 0.9);
  const m = singleSampleMaps(probs, entropy, 4, 2, 1);
  assert.equal(Array.from(m.predicted), [1, 0]);
  assert.equal(Array.from(m.confidence), [Math.fround(0.5), Math.fround(0.7)]);
  const tie = singleSampleMaps(Float32Array.of(0.4, 0.2, 0.4, 0.6, 0.2, 0.2), Float32Array.of(1, 1), 3, 2, 1);
  assert.equal(Array.from(tie.predicted), [0, 1], 'the first of equal maxima, as before and as ONNX ArgMax');
  assert.equal(Array.from(m.expectedEntropy), Array.from(entropy));
  assert.ok(m.mutualInformation.every((v) => v === 0) && m.variance.every((v) => v === 0) && m.meanVariance.every((v) => v === 0));
});

single.run();
