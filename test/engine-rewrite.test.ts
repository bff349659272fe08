import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findDropoutNodes, MASK_PREFIX, removeDropouts, rewriteDropouts } from '../lib/graph/dropout-rewrite';
import { splitAtMasks } from '../lib/graph/split';
import { fillDropoutMask } from '../lib/engine/masks';
import { createSession, ort } from '../lib/engine/session';
import { decodeModel, encodeModel, Graph, Model, valueInfo, onnx } from '../lib/onnx/model';
import { identityDropout, noDropout, opset11Dropout, segnetMini, testImage } from './fixtures/tiny-models';
import { imageTensor, maxAbsDiff, runOnce } from './fixtures/mc-reference';

const f32 = (x: number): number => Math.fround(x);
const image = testImage();

function graphOf(model: Model): Graph {
  return model.graph as Graph;
}

function throwsRange(fn: () => unknown, mentions: string, what: string): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, RangeError, `${what}: expected a RangeError, got ${(err as Error).name}`);
    assert.ok((err as Error).message.includes(mentions), `${what}: message '${(err as Error).message}' should mention '${mentions}'`);
    return;
  }
  assert.unreachable(`${what}: expected a RangeError`);
}

// ---------------------------------------------------------------------------------------------
const find = suite('findDropoutNodes');

find('reads the ratio from a Constant input and training_mode from an initializer (opset 13)', () => {
  const nodes = findDropoutNodes(decodeModel(identityDropout({ ratio: 0.3 })));
  assert.equal(nodes, [{ node: 'drop', input: 'features', output: 'scores', ratio: f32(0.3), trainingMode: true }]);
});

find('reads the ratio attribute (opset 11)', () => {
  const nodes = findDropoutNodes(decodeModel(opset11Dropout(0.3)));
  assert.equal(nodes, [{ node: 'drop_attr', input: 'c1_relu', output: 'c1_drop', ratio: f32(0.3), trainingMode: false }]);
});

find('lists every Dropout in file order; none in a model without dropout', () => {
  const nodes = findDropoutNodes(decodeModel(segnetMini(0.25)));
  assert.equal(nodes.map((n) => [n.node, n.input, n.ratio]), [['drop1', 'pool1', 0.25], ['drop2', 'cat', 0.25]]);
  assert.equal(findDropoutNodes(decodeModel(noDropout())), []);
});

find('a ratio of 0 in the model is read as 0', () => {
  assert.is(findDropoutNodes(decodeModel(identityDropout({ ratio: 0 })))[0].ratio, 0);
});

// ---------------------------------------------------------------------------------------------
const rewrite = suite('rewriteDropouts');

rewrite('replaces each Dropout by a Mul with a mask input and leaves the source untouched', () => {
  const source = decodeModel(segnetMini());
  const before = encodeModel(source);
  const { model, points } = rewriteDropouts(source);
  assert.equal(encodeModel(source), before, 'source modified');
  const g = graphOf(model);
  assert.not.ok((g.node ?? []).some((n) => n.opType === 'Dropout'), 'a Dropout survived');
  assert.equal(points.map((p) => [p.node, p.tensor, p.maskInput, p.rate]),
    [['drop1', 'pool1', `${MASK_PREFIX}0`, 0.5], ['drop2', 'cat', `${MASK_PREFIX}1`, 0.5]]);
  const muls = (g.node ?? []).filter((n) => n.opType === 'Mul');
  assert.equal(muls.map((n) => [n.input, n.output]), [[['pool1', 'mc_mask_0'], ['pool1_drop']], [['cat', 'mc_mask_1'], ['cat_drop']]]);
  assert.equal((g.input ?? []).map((i) => i.name), ['image', 'mc_mask_0', 'mc_mask_1']);
});

rewrite('the rewritten graph loads at graphOptimizationLevel all and keeps the mask inputs', async () => {
  for (const bytes of [segnetMini(), opset11Dropout(), identityDropout()]) {
    const { model, points } = rewriteDropouts(decodeModel(bytes));
    const session = await createSession(encodeModel(model), { optimization: 'all' });
    assert.equal([...session.inputNames].sort(), ['image', ...points.map((p) => p.maskInput)].sort());
    await session.release();
  }
});

rewrite('keeps a ratio of 0 from the model (dropout off): the mask is all ones', () => {
  const { points } = rewriteDropouts(decodeModel(identityDropout({ ratio: 0 })));
  assert.is(points[0].rate, 0);
  const mask = new Float32Array(64);
  fillDropoutMask(mask, 0, 64, 0, 1, 2, 3, 0);
  assert.ok(mask.every((v) => v === 1));
});

rewrite('rate overrides every point', () => {
  const { points } = rewriteDropouts(decodeModel(segnetMini(0.5)), { rate: 0.2 });
  assert.equal(points.map((p) => p.rate), [0.2, 0.2]);
  const zero = rewriteDropouts(decodeModel(identityDropout({ ratio: 0 })), { rate: 0.1 });
  assert.equal(zero.points.map((p) => p.rate), [0.1]);
});

rewrite('EXPECTED FAILURE: a rate override outside (0, 1) is a RangeError naming the value', () => {
  const model = decodeModel(segnetMini());
  for (const rate of [0, 1, -0.1, 1.5, Number.NaN, Infinity]) {
    throwsRange(() => rewriteDropouts(model, { rate }), `got ${rate}`, `rate ${rate}`);
  }
});

rewrite('EXPECTED FAILURE: a model ratio of 1 is a RangeError naming the node and the value', () => {
  throwsRange(() => rewriteDropouts(decodeModel(identityDropout({ ratio: 1 }))), 'got 1', 'ratio 1');
  throwsRange(() => rewriteDropouts(decodeModel(identityDropout({ ratio: 1 }))), 'drop', 'ratio 1');
});

rewrite('EXPECTED FAILURE: a Dropout whose mask output the graph reads is a TypeError', () => {
  const model = decodeModel(identityDropout());
  const g = graphOf(model);
  const drop = (g.node ?? []).find((n) => n.opType === 'Dropout') as onnx.INodeProto;
  drop.output = ['scores', 'drop_mask'];
  g.output = [...(g.output ?? []), valueInfo('drop_mask', onnx.TensorProto.DataType.BOOL, [1, 3, 8, 8])];
  assert.throws(() => rewriteDropouts(model), (err: Error) => err instanceof TypeError && err.message.includes('drop_mask'));
});

// ---------------------------------------------------------------------------------------------
const inject = suite('rewriteDropouts injectAt (--dropout-at)');

inject('adds a Mul after the named tensor and feeds every consumer from it', async () => {
  const { model, points } = rewriteDropouts(decodeModel(noDropout()), { injectAt: [{ tensor: 'c1_relu', rate: 0.3 }] });
  assert.equal(points, [{ node: 'inject:c1_relu', tensor: 'c1_relu', maskInput: 'mc_mask_0', rate: 0.3 }]);
  const g = graphOf(model);
  const names = (g.node ?? []).map((n) => n.opType);
  assert.equal(names, ['Conv', 'Relu', 'Mul', 'Conv']);
  assert.equal((g.node ?? [])[3].input?.[0], 'c1_relu__mc_dropout');
  const session = await createSession(encodeModel(model), { optimization: 'all' });
  assert.ok(session.inputNames.includes('mc_mask_0'));
  await session.release();
});

inject('numbers injected points after the model\'s own and takes the rate override as default', () => {
  const { points } = rewriteDropouts(decodeModel(segnetMini()), { rate: 0.4, injectAt: [{ tensor: 'skip' }] });
  assert.equal(points.map((p) => [p.node, p.maskInput, p.rate]),
    [['drop1', 'mc_mask_0', 0.4], ['drop2', 'mc_mask_1', 0.4], ['inject:skip', 'mc_mask_2', 0.4]]);
  assert.is(rewriteDropouts(decodeModel(noDropout()), { injectAt: [{ tensor: 'c1_relu' }] }).points[0].rate, 0.5);
});

inject('EXPECTED FAILURE: an unknown tensor is a RangeError naming it', () => {
  throwsRange(() => rewriteDropouts(decodeModel(noDropout()), { injectAt: [{ tensor: 'no_such_tensor' }] }), 'no_such_tensor', 'unknown');
});

inject('EXPECTED FAILURE: a graph output or a bad rate is a RangeError naming it', () => {
  throwsRange(() => rewriteDropouts(decodeModel(noDropout()), { injectAt: [{ tensor: 'logits' }] }), 'logits', 'output');
  throwsRange(() => rewriteDropouts(decodeModel(noDropout()), { injectAt: [{ tensor: 'c1_relu', rate: 0 }] }), 'got 0', 'rate 0');
});

// ---------------------------------------------------------------------------------------------
const split = suite('splitAtMasks');

split('puts everything before the first dropout in the prefix; the skip and the pooled tensor cross', () => {
  const { model, points } = rewriteDropouts(decodeModel(segnetMini()));
  const s = splitAtMasks(model, points.map((p) => p.maskInput));
  assert.equal([...s.boundary].sort(), ['pool1', 'skip']);
  assert.equal(s.suffixGraphInputs, []);
  assert.equal(s.prefixNodes.filter((n) => n.opType !== 'Constant').map((n) => n.name), ['enc1', 'enc1_relu', 'pool1']);
  assert.equal((graphOf(s.suffix as Model).node ?? []).map((n) => n.opType),
    ['Mul', 'Conv', 'Relu', 'Resize', 'Concat', 'Mul', 'Conv']);
});

split('no dropout: no prefix and no suffix', () => {
  const s = splitAtMasks(decodeModel(noDropout()), []);
  assert.is(s.prefix, null);
  assert.is(s.suffix, null);
});

// ---------------------------------------------------------------------------------------------
const why = suite('why the rewrite exists');

async function runRewritten(session: ort.InferenceSession, points: readonly { maskInput: string }[], dims: readonly (readonly number[])[],
  seed: number): Promise<Float32Array> {
  const feeds: Record<string, ort.Tensor> = { image: imageTensor(image) };
  points.forEach((p, i) => {
    const size = dims[i].reduce((a, b) => a * b, 1);
    const mask = new Float32Array(size);
    fillDropoutMask(mask, 0, size, 0.5, seed, 0, 0, i);
    feeds[p.maskInput] = new ort.Tensor('float32', mask, dims[i].slice());
  });
  return (await runOnce(session, feeds)).data;
}

why('the original model at "all" is identical run to run (ORT deletes the Dropout), at "disabled" it is not', async () => {
  const bytes = segnetMini();
  const all = await createSession(bytes, { optimization: 'all' });
  const a = await runOnce(all, { image: imageTensor(image) });
  const b = await runOnce(all, { image: imageTensor(image) });
  assert.equal(Array.from(a.data), Array.from(b.data), 'ORT "all" kept the dropout after all');
  const disabled = await createSession(bytes, { optimization: 'disabled' });
  const c = await runOnce(disabled, { image: imageTensor(image) });
  const d = await runOnce(disabled, { image: imageTensor(image) });
  assert.ok(maxAbsDiff(c.data, d.data) > 1e-3, 'ORT "disabled" ran the dropout deterministically');
  await all.release();
  await disabled.release();
});

why('but ORT keeps a Dropout that writes a graph output: identity-dropout is random even at "all"', async () => {
  const all = await createSession(identityDropout(), { optimization: 'all' });
  const a = await runOnce(all, { image: imageTensor(image) });
  const b = await runOnce(all, { image: imageTensor(image) });
  assert.ok(maxAbsDiff(a.data, b.data) > 1e-3);
  await all.release();
});

why('the rewritten graph at "all" varies with the masks and repeats with the same masks', async () => {
  const { model, points } = rewriteDropouts(decodeModel(segnetMini()));
  const session = await createSession(encodeModel(model), { optimization: 'all' });
  const dims = [[1, 4, 4, 4], [1, 10, 8, 8]];
  const a = await runRewritten(session, points, dims, 1);
  const b = await runRewritten(session, points, dims, 2);
  const a2 = await runRewritten(session, points, dims, 1);
  assert.ok(maxAbsDiff(a, b) > 1e-3, 'different masks gave the same output');
  assert.equal(Array.from(a), Array.from(a2), 'same masks gave different outputs');
  await session.release();
});

const off = suite('removeDropouts (--dropout off)');

off('turns every Dropout into Identity: deterministic even where ORT keeps the Dropout, equal to a pass with all-ones masks', async () => {
  const bytes = identityDropout();
  const stripped = removeDropouts(decodeModel(bytes));
  assert.is(findDropoutNodes(stripped).length, 0);
  assert.is(graphOf(stripped).node?.filter((n) => n.opType === 'Identity').length, 1);
  const session = await createSession(encodeModel(stripped), { optimization: 'all' });
  const a = await runOnce(session, { image: imageTensor(image) });
  const b = await runOnce(session, { image: imageTensor(image) });
  assert.equal(Array.from(a.data), Array.from(b.data));
  const { model, points } = rewriteDropouts(decodeModel(bytes));
  const masked = await createSession(encodeModel(model), { optimization: 'all' });
  const ones = new Float32Array(a.data.length).fill(1);
  const c = await runOnce(masked, { image: imageTensor(image), [points[0].maskInput]: new ort.Tensor('float32', ones, a.dims.slice()) });
  assert.ok(maxAbsDiff(a.data, c.data) < 1e-6);
  await session.release();
  await masked.release();
});

find.run();
off.run();
rewrite.run();
inject.run();
split.run();
why.run();
