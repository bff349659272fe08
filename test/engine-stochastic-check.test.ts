/** The start-up check that two MC samples differ (lib/engine/stochastic-check.ts), through Segmenter.create. */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Segmenter } from '../lib/engine/segmenter';
import { identityDropout } from './fixtures/tiny-models';

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

const s = suite('samples differ at start');
s.after(() => rmSync(dir, { recursive: true, force: true }));
s('EXPECTED FAILURE: a model whose dropouts all have ratio 0 is refused, naming the cause and the fix', async () => {
  const model = project('zero', identityDropout({ ratio: 0 }));
  try {
    const seg = await Segmenter.create({ model, batch: 2 });
    await seg.release();
    assert.unreachable('a ratio-0 model was accepted');
  } catch (err) {
    assert.match((err as Error).message, /zero\.onnx: 8 MC samples of one image are identical although the model has dropout at drop \(p=0\): every dropout rate is 0.*--dropout-rate P/);
  }
});
s('the same model with --dropout-rate, or dropout off, starts', async () => {
  const model = project('zero2', identityDropout({ ratio: 0 }));
  for (const options of [{ dropoutRate: 0.2 }, { dropout: 'off' as const }]) {
    const seg = await Segmenter.create({ model, batch: 2, ...options });
    await seg.release();
  }
});
s.run();
