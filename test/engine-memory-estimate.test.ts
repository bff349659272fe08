/** lib/engine/memory-estimate.ts: peak live activations by graph order, and the batch refusal. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Segmenter } from '../lib/engine/segmenter';
import { checkBatchMemory, peakActivationBytes, tensorBytes } from '../lib/engine/memory-estimate';
import type { Node } from '../lib/onnx/model';
import { tinyModelDir } from './fixtures/report-inputs';

const node = (input: string[], output: string[]): Node => ({ opType: 'X', input, output });

test('tensorBytes by type', () => {
  assert.is(tensorBytes({ dims: [1, 2, 3], type: 'float32' }), 24);
  assert.is(tensorBytes({ dims: [4], type: 'int64' }), 32);
});

test('peak of live tensors: freed after the last reader, unknown outputs as large as their largest input', () => {
  // a(10) -> b(20) -> c(5); d reads a and c: a stays live until d
  const sizes: Record<string, number> = { a: 10, b: 20, c: 5, d: 1 };
  const nodes = [node(['x'], ['a']), node(['a'], ['b']), node(['b'], ['c']), node(['a', 'c'], ['d'])];
  // live after each node: a=10; a+b=30; b freed after c: a+b+c=35 at its peak; then a+c+d=16
  assert.is(peakActivationBytes(nodes, (t) => sizes[t]), 35);
  // 'm' unknown: taken as its input b (20): a + b + m = 50
  const masked = [node(['x'], ['a']), node(['a'], ['b']), node(['b'], ['m']), node(['m', 'a'], ['d'])];
  assert.is(peakActivationBytes(masked, (t) => sizes[t]), 50);
});

test('checkBatchMemory refuses with the estimate and the batch that fits', () => {
  assert.not.throws(() => checkBatchMemory(8, 32 * 1024 * 1024, 1024 ** 3));
  assert.throws(() => checkBatchMemory(4096, 32 * 1024 * 1024, 1024 ** 3),
    /--batch 4096: the model's suffix needs about 32 MB per sample \(estimated from the graph\), 131072 MB for the batch, more than --max-memory 1024 MB; use --batch 32 or less/);
});

test('Segmenter.create refuses a batch beyond --max-memory before sampling', async () => {
  const model = tinyModelDir();
  const ok = await Segmenter.create({ model: model.model, card: model.card, batch: 4 });
  const perSample = ok.compiled.suffixBytesPerSample ?? 0;
  await ok.release();
  assert.ok(perSample > 0, 'an estimate was made');
  let message = '';
  await Segmenter.create({ model: model.model, card: model.card, batch: 4096, maxMemory: perSample * 100 }).catch((e: Error) => { message = e.message; });
  assert.match(message, /^--batch 4096: the model's suffix needs about .* use --batch 100 or less/);
});

test.run();
