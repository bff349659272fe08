/** The start-up check that two MC samples differ (lib/engine/stochastic-check.ts), through Segmenter.create. */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Segmenter } from '../lib/engine/segmenter';
import { encodePng } from '../lib/image/encode';
import { ModelError } from '../lib/onnx/model';
import { cancelledDropout, identityDropout } from './fixtures/tiny-models';
import { rejectsError } from './fixtures/throws';

const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-stoch-'));
function project(name: string, bytes: Uint8Array): string {
  const model = path.join(dir, `${name}.onnx`);
  writeFileSync(model, bytes);
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({
    name, classes: ['a', 'b', 'c'].map((n, i) => ({ name: n, color: [i * 60, 0, 0] })),
    input: { name: 'image', width: 8, height: 8, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    output: { name: 'scores', kind: 'logits' },
  }));
  return model;
}

/** The mean variance of 6 samples of a gradient image, and the points the Segmenter compiled. */
async function sampleOnce(seg: Segmenter): Promise<{ meanVariance: number; rates: number[]; deterministic: boolean }> {
  const png = encodePng({ width: 8, height: 8, data: Uint8Array.from({ length: 192 }, (_, i) => (i * 37) & 255) });
  const { maps } = await seg.sample(await seg.prepare(png, 'g.png'), { samples: 6, seed: 1 });
  return { meanVariance: maps.meanVariance.reduce((a, b) => a + b, 0) / maps.meanVariance.length,
    rates: seg.compiled.points.map((p) => Math.round(p.rate * 1e6) / 1e6), deterministic: seg.compiled.deterministic };
}

const s = suite('samples differ at start');
s.after(() => rmSync(dir, { recursive: true, force: true }));
s('EXPECTED FAILURE: a model whose dropouts all have ratio 0 is refused, naming the cause and the fix', async () => {
  const model = project('zero', identityDropout({ ratio: 0 }));
  await rejectsError(() => Segmenter.create({ model, batch: 2 }), ModelError,
    /zero\.onnx: 8 MC samples of one image are identical although the model has dropout at drop \(p=0\): every dropout rate is 0 \(the ratio stored in the model\); pass --dropout-rate P with the rate it was trained with$/);
});
s('EXPECTED FAILURE: a dropout the graph cancels (features + 0 * dropout) is refused: no effect, inject one with --dropout-at', async () => {
  const model = project('cancelled', cancelledDropout());
  await rejectsError(() => Segmenter.create({ model, batch: 2 }), ModelError,
    /cancelled\.onnx: 8 MC samples of one image are identical although the model has dropout at drop \(p=0\.5\): the dropout has no effect on the output \(removed or cancelled downstream\); inject one with --dropout-at TENSOR\[:p\]$/);
});
s('the ratio-0 model with --dropout-rate 0.2 starts and its samples vary; with dropout off it starts deterministic', async () => {
  const model = project('zero2', identityDropout({ ratio: 0 }));
  const withRate = await Segmenter.create({ model, batch: 2, dropoutRate: 0.2 });
  try {
    const got = await sampleOnce(withRate);
    assert.equal([got.rates, got.deterministic], [[0.2], false]);
    assert.ok(got.meanVariance > 1e-6, `mean variance ${got.meanVariance}`);
  } finally {
    await withRate.release();
  }
  const off = await Segmenter.create({ model, batch: 2, dropout: 'off' });
  try {
    const got = await sampleOnce(off);
    assert.equal([got.rates, got.deterministic, got.meanVariance], [[], true, 0]);
  } finally {
    await off.release();
  }
});
s('the cancelled model with a dropout injected before the sum (--dropout-at features:0.3) starts and varies', async () => {
  const model = project('cancelled2', cancelledDropout());
  const seg = await Segmenter.create({ model, batch: 2, dropoutAt: ['features:0.3'] });
  try {
    const got = await sampleOnce(seg);
    assert.ok(got.rates.includes(0.3), JSON.stringify(got.rates));
    assert.ok(got.meanVariance > 1e-6, `mean variance ${got.meanVariance}`);
  } finally {
    await seg.release();
  }
});
s.run();
