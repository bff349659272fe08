/** Bad models and options through runReport: each throws before any image, naming the flag or file and the value. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport, type ReportOptions } from '../lib/commands/report';
import { decodeModel, encodeModel, makeNode, onnx, valueInfo } from '../lib/onnx/model';
import { buildPng, rejects, tempDir, TINY_CLASSES, tinyModelDir } from './fixtures/report-inputs';
import { identityDropout } from './fixtures/tiny-models';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const images = tempDir();
writeFileSync(path.join(images, 'a.png'), buildPng({ width: 8, height: 8 }));
const good = tinyModelDir();
const run = (extra: Partial<ReportOptions>): ReturnType<typeof runReport> =>
  runReport({ inputs: [images], out: tempDir(), model: good.model, samples: 2, ...extra });

/** image [dims] -> one node -> out [outDims] */
function oneNodeModel(inDims: number[], op: string, outDims: number[], attrs: onnx.IAttributeProto[] = []): Uint8Array {
  return encodeModel(onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'g', node: [makeNode(op, ['image'], ['out'], 'n', attrs)], input: [valueInfo('image', FLOAT, inDims)], output: [valueInfo('out', FLOAT, outDims)] },
  }));
}

test('a file that is not ONNX, and a truncated ONNX model, are refused naming the file', async () => {
  const text = tinyModelDir({ bytes: Buffer.from('{"not": "onnx"}') });
  await rejects(() => run({ model: text.model }), new RegExp(`${text.model}: (not a valid ONNX model|not an ONNX model)`));
  const bytes = identityDropout({ classes: 3, height: 8, width: 8 });
  const cut = tinyModelDir({ bytes: bytes.subarray(0, Math.floor(bytes.length * 0.7)) });
  await rejects(() => run({ model: cut.model }), new RegExp(`${cut.model}: (not a valid ONNX model|not an ONNX model)`));
  const empty = tinyModelDir({ bytes: new Uint8Array(0) });
  await rejects(() => run({ model: empty.model }), /empty file, not an ONNX model/);
  await rejects(() => run({ model: path.join(good.dir, 'missing.onnx') }), /missing\.onnx: model file not found/);
});

test('a model without dropout warns that every sample is identical; --strict refuses it', async () => {
  const plain = tinyModelDir({ dropout: false });
  const s = await run({ model: plain.model });
  assert.is(s.model.deterministic, true);
  assert.ok(s.warnings.some((w) => /every sample is identical/.test(w)), s.warnings.join('\n'));
  assert.is(s.images.length, 1);
  await rejects(() => run({ model: plain.model, strict: true }), /no dropout before its output, so every MC sample is identical \(--strict\)/);
});

test('unexpected input shapes and outputs that are not class scores are refused', async () => {
  const big = tinyModelDir({ bytes: identityDropout({ classes: 3, height: 16, width: 16 }) });
  await rejects(() => run({ model: big.model }), /expects dims \[1, 3, 16, 16\], the model card gives \[1, 3, 8, 8\]/);
  const rank3 = tinyModelDir({ bytes: oneNodeModel([1, 3, 64], 'Relu', [1, 3, 64]) });
  await rejects(() => run({ model: rank3.model }), /has rank 3, expected 4/);
  const flat = tinyModelDir({ bytes: oneNodeModel([1, 3, 8, 8], 'Flatten', [1, 192]) });
  await rejects(() => run({ model: flat.model }), /output 'out' has dims \[1, 192\]; expected class scores \[1, C, H, W\]/);
  const four = tinyModelDir({ card: { classes: [...TINY_CLASSES, { name: 'car', color: [64, 0, 128] }] } });
  await rejects(() => run({ model: four.model }), /the model outputs 3 classes, its card lists 4/);
});

test('dynamic input dims (N, H, W symbolic) take the card size', async () => {
  const m = decodeModel(identityDropout({ classes: 3, height: 8, width: 8 }));
  const dims = m.graph?.input?.[0].type?.tensorType?.shape?.dim ?? [];
  [0, 2, 3].forEach((k, j) => { dims[k] = { dimParam: ['N', 'H', 'W'][j] }; });
  const dynamic = tinyModelDir({ bytes: encodeModel(m) });
  const s = await run({ model: dynamic.model });
  assert.is(s.images.length, 1);
  assert.equal(s.errors, []);
});

test('numbers out of range name the flag and the value', async () => {
  await rejects(() => run({ samples: 0 }), /--samples must be an integer in 1\.\.100000, 'auto' or 'analytic', got 0$/);
  await rejects(() => run({ samples: -3 }), /--samples .* got -3/);
  await rejects(() => run({ samples: 2.5 }), /--samples .* got 2\.5/);
  await rejects(() => run({ seed: -1 }), /--seed .* got -1/);
  for (const rate of [0, 1, 1.5, -0.2, Number.NaN]) {
    await rejects(() => run({ dropoutRate: rate }), new RegExp(`--dropout-rate must be a number in \\(0, 1\\), got ${String(rate)}$`));
  }
  await rejects(() => run({ threads: -1 }), /--threads .* got -1/);
  await rejects(() => run({ batch: 0 }), /--batch .* got 0/);
  await rejects(() => run({ maxPixels: 0 }), /--max-pixels .* got 0/);
  await rejects(() => run({ ignoreIndex: 300 }), /--ignore-index .* got 300/);
  await rejects(() => run({ temperature: 0 }), /--temperature must be a positive number, got 0/);
  await rejects(() => run({ device: 'tpu' as 'cpu' }), /--device must be one of cpu, cuda, webgpu, got 'tpu'/);
  await rejects(() => run({ dropoutAt: ['features:2'] }), /--dropout-at features:2: rate must be a number in \(0, 1\), got '2'$/);
});

test('a valid --dropout-rate overrides the model rate', async () => {
  const s = await run({ dropoutRate: 0.2 });
  assert.equal(s.model.dropoutPoints.map((p) => p.rate), [0.2]);
});

test.run();
