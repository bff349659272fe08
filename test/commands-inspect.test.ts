/**
 * inspect --tensors and --dropout-at (issue 31, friction 4): the candidate tensors for
 * --dropout-at with their shapes (checked against onnx's own shape inference) and the share of
 * compute after each (checked against the conv formula by hand), and a wrong name's suggestions.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatInspect, formatTensors, runInspect } from '../lib/commands/inspect';
import { editDistance, nearestNames } from '../lib/nearest-names';
import { cli } from './fixtures/cli';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { segnetMini } from './fixtures/tiny-models';
import { rejects, tempDir, tinyModelDir } from './fixtures/report-inputs';

test('--tensors: every 4-D float activation but the output, with its shape and the share of compute after it', async () => {
  // image -> c1 (Conv 3->4, 3x3) -> c1_relu -> c2 (Conv 4->3, 1x1) -> logits, 8x8
  const { model, card } = tinyModelDir({ dropout: false });
  const r = await runInspect({ model, card, tensors: true });
  // MACs = C_out * H * W * C_in * k * k: c1 4*64*3*9 = 6912, c2 3*64*4 = 768; after c1_out only c2 runs
  assert.equal(r.tensors, [
    { name: 'c1_out', dims: [1, 4, 8, 8], type: 'float32', shareAfter: 768 / (6912 + 768) },
    { name: 'c1_relu', dims: [1, 4, 8, 8], type: 'float32', shareAfter: 768 / (6912 + 768) },
  ]);
  assert.is(formatTensors(r.tensors ?? []), 'c1_out  [1, 4, 8, 8] float32  10.0% of compute after it\nc1_relu  [1, 4, 8, 8] float32  10.0% of compute after it\n');
});

/** segnet-mini written to a temp file and inspected with --tensors. */
async function inspectMini() {
  const dir = tempDir('segnet-uq-inspect-');
  const file = path.join(dir, 'mini.onnx');
  writeFileSync(file, segnetMini());
  const { card } = tinyModelDir({ card: { classes: ['a', 'b', 'c', 'd'].map((name, i) => ({ name, color: [i, i, i] })) } });
  return { file, r: await runInspect({ model: file, card, tensors: true }) };
}

test('--tensors on a model with a skip connection: the share of work after each tensor, by hand', async () => {
  const { r } = await inspectMini();
  const names = (r.tensors ?? []).map((t) => t.name);
  // by hand: enc1 4*64*3*9 = 6912, enc2 6*16*4*9 = 3456, head 4*64*10 = 2560 multiply-adds
  const share = new Map((r.tensors ?? []).map((t) => [t.name, t.shareAfter]));
  assert.is(share.get('pool1'), (3456 + 2560) / 12928);
  assert.is(share.get('skip'), (3456 + 2560) / 12928, 'skip reaches enc2 through pool1, and the head through the concat');
  assert.is(share.get('enc2_out'), 2560 / 12928);
  assert.ok(names.includes('pool1_drop') && names.includes('cat'));
});

if (!pythonHas('onnx')) console.log('  SKIPPED commands-inspect onnx shape-inference comparison: no onnx in /usr/bin/python3');
else test('--tensors on a model with a skip connection: the same 4-D float tensors onnx shape inference finds', async () => {
  const { file, r } = await inspectMini();
  const script = `import onnx,json,sys
m=onnx.shape_inference.infer_shapes(onnx.load(sys.argv[1]))
outs={o.name for o in m.graph.output}
F={onnx.TensorProto.FLOAT,onnx.TensorProto.FLOAT16,onnx.TensorProto.DOUBLE,onnx.TensorProto.BFLOAT16}
vi={v.name:v for v in m.graph.value_info}
print(json.dumps([[o,[d.dim_value for d in vi[o].type.tensor_type.shape.dim]] for n in m.graph.node for o in n.output
  if o and o not in outs and o in vi and vi[o].type.tensor_type.elem_type in F and len(vi[o].type.tensor_type.shape.dim)==4]))`;
  const py = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
  assert.is(py.status, 0, py.stderr);
  const expected = JSON.parse(py.stdout) as [string, number[]][];
  assert.equal((r.tensors ?? []).map((t) => [t.name, t.dims]), expected);
});

test('inspect --dropout-at shows the injected point; a wrong name suggests the nearest ones', async () => {
  const { model, card } = tinyModelDir({ dropout: false });
  const r = await runInspect({ model, card, dropoutAt: ['c1_relu:0.3'] });
  assert.equal(r.injected, [{ tensor: 'c1_relu', rate: 0.30000001192092896 }].map((p) => ({ ...p, rate: 0.3 })));
  assert.match(formatInspect(r), /\n {2}--dropout-at {2}p=0\.3 {2}on c1_relu\n/);
  assert.match(formatInspect(r), /89\.9% before the first dropout|90\.0% before the first dropout/);
  await rejects(() => runInspect({ model, card, dropoutAt: ['c1_rlu'] }),
    /--dropout-at: no tensor named 'c1_rlu' in the graph; nearest: 'c1_relu', 'c1_out', 'logits' \(`segnet-uq inspect --tensors` lists the candidates\)/);
});

test('a dropout ratio read as float32 prints as the model holds it: p=0.3, not 0.30000001192092896', async () => {
  const { model, card } = tinyModelDir({ bytes: segnetMini(0.3), card: { classes: ['a', 'b', 'c', 'd'].map((name, i) => ({ name, color: [i, i, i] })) } });
  const text = formatInspect(await runInspect({ model, card }));
  assert.match(text, / p=0\.3 {2}on pool1\n/);
  assert.not.match(text, /0\.3000000/);
});

test('nearestNames: names holding the typed text first, then by edit distance', () => {
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.equal(nearestNames('Mul', ['/a/Conv_output_0', '/m/classifier/Mul_output_0', '/b/Add']), ['/m/classifier/Mul_output_0', '/b/Add', '/a/Conv_output_0']);
});

test('CLI: inspect --tensors prints one candidate per line, name first', async () => {
  const { model, card } = tinyModelDir({ dropout: false });
  const r = await cli(['inspect', model, '--card', card, '--tensors']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), ['c1_out', 'c1_relu']);
});

test.run();
