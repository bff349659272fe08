/**
 * Any model's dropout: the ratio folded through Identity/Cast chains (constant-fold.ts), a ratio
 * fed at run time or computed refused with the node named and --dropout-rate suggested, dropouts
 * in subgraphs refused, and float16 models sampled with masks cast to the tensor's dtype
 * (float-boundary.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileModel } from '../lib/engine/compile';
import { McSampler } from '../lib/engine/sampler';
import { foldScalar, tensorFirstValue } from '../lib/graph/constant-fold';
import { findDropoutNodes, rewriteDropouts } from '../lib/graph/dropout-rewrite';
import { attrInt, decodeModel, encodeModel, floatTensor, Graph, makeNode, Model, onnx, valueInfo } from '../lib/onnx/model';
import { identityDropout, testImage } from './fixtures/tiny-models';

const DT = onnx.TensorProto.DataType;
const DIMS = [1, 3, 8, 8];

/** identityDropout with the Dropout's ratio input replaced by what `make` adds to the graph */
function withRatio(make: (graph: Graph) => string, ratio = 0.2): Model {
  const model = decodeModel(identityDropout({ ratio }));
  const graph = model.graph as Graph;
  const drop = (graph.node ?? []).find((n) => n.opType === 'Dropout') as onnx.INodeProto;
  (drop.input as string[])[1] = make(graph);
  return model;
}

/** Constant(drop_ratio) -> Identity -> Cast(double) -> Identity -> Cast(float) */
function chained(graph: Graph): string {
  graph.node = [
    makeNode('Identity', ['drop_ratio'], ['r1'], 'r_identity'),
    makeNode('Cast', ['r1'], ['r2'], 'r_cast_double', [attrInt('to', DT.DOUBLE)]),
    makeNode('Identity', ['r2'], ['r3'], 'r_identity2'),
    makeNode('Cast', ['r3'], ['r4'], 'r_cast_float', [attrInt('to', DT.FLOAT)]),
    ...(graph.node ?? []),
  ];
  return 'r4';
}

function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const e = ((u >>> 23) & 0xff) - 127 + 15;
  const m = u & 0x7fffff;
  if (e <= 0) return sign; // tiny: flush to zero (the fixture has none)
  return sign | (e << 10) | Math.round(m / 8192);
}

/** The identity-dropout model in float16 throughout (as a torch `.half()` export is). */
function halfModel(): Model {
  const model = decodeModel(identityDropout({ ratio: 0.2 }));
  const graph = model.graph as Graph;
  const half = (t: onnx.ITensorProto): void => {
    if (t.dataType !== DT.FLOAT) return;
    const values = t.floatData && t.floatData.length ? Array.from(t.floatData) : Array.from(new Float32Array(Uint8Array.from(t.rawData ?? []).buffer));
    t.dataType = DT.FLOAT16;
    t.floatData = [];
    t.rawData = new Uint8Array(new Uint16Array(values.map(toHalf)).buffer);
  };
  for (const t of graph.initializer ?? []) half(t);
  for (const n of graph.node ?? []) for (const a of n.attribute ?? []) if (a.t) half(a.t);
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) if (v.type?.tensorType) v.type.tensorType.elemType = DT.FLOAT16;
  return model;
}

const s = suite('dropout ratio and dtype');
s('a ratio through Identity and Cast chains is folded (it was read as 0.5: 4x the variance at p = 0.2)', () => {
  const model = withRatio(chained);
  const [info] = findDropoutNodes(model);
  assert.is(info.ratio, Math.fround(0.2));
  assert.is(info.ratioProblem, undefined);
  assert.is(rewriteDropouts(model).points[0].rate, Math.fround(0.2));
});
s('fold: initializer, Constant value_float, float16 / bfloat16 tensors, casts to int and bool', () => {
  const graph: Graph = {
    initializer: [floatTensor('a', [], [0.25]),
      { name: 'h', dataType: DT.FLOAT16, dims: [], rawData: new Uint8Array(new Uint16Array([toHalf(0.1)]).buffer) },
      { name: 'b', dataType: DT.BFLOAT16, dims: [], int32Data: [0x3e80] }], // bfloat16 0.25
    node: [makeNode('Constant', [], ['c'], 'c', [{ name: 'value_float', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.75 }]),
      makeNode('Cast', ['c'], ['ci'], 'ci', [attrInt('to', DT.INT64)]),
      makeNode('Cast', ['c'], ['cb'], 'cb', [attrInt('to', DT.BOOL)])],
    input: [valueInfo('x', DT.FLOAT, [])],
  };
  assert.equal(foldScalar(graph, 'a'), { value: 0.25 });
  assert.ok(Math.abs(((foldScalar(graph, 'h') as { value: number }).value) - 0.1) < 1e-4);
  assert.equal(foldScalar(graph, 'b'), { value: 0.25 });
  assert.equal(foldScalar(graph, 'c'), { value: 0.75 });
  assert.equal(foldScalar(graph, 'ci'), { value: 0 });
  assert.equal(foldScalar(graph, 'cb'), { value: 1 });
  assert.equal(foldScalar(graph, 'x'), { graphInput: 'x' });
  assert.equal(foldScalar(graph, 'nowhere'), { missing: 'nowhere' });
  assert.is(tensorFirstValue({ dataType: DT.INT32, int32Data: [7] }), 7);
});
s('EXPECTED FAILURE: a ratio computed by a node names the node and suggests --dropout-rate; with it the model samples', () => {
  const model = withRatio((graph) => {
    graph.node = [makeNode('Mul', ['drop_ratio', 'drop_ratio'], ['r_sq'], 'ratio_squared'), ...(graph.node ?? [])];
    return 'r_sq';
  });
  assert.match(findDropoutNodes(model)[0].ratioProblem ?? '', /computed by node ratio_squared \(Mul\)/);
  assert.throws(() => rewriteDropouts(model), (e: unknown) => e instanceof RangeError && /Dropout node drop: .*ratio_squared.*--dropout-rate/.test(e.message));
  assert.is(rewriteDropouts(model, { rate: 0.3 }).points[0].rate, 0.3);
});
s('EXPECTED FAILURE: a ratio fed as a graph input gets a clear error, not ORT\'s "input \'r\' is missing in feeds"; --dropout-rate drops the input', async () => {
  const model = withRatio((graph) => {
    graph.input = [...(graph.input ?? []), valueInfo('r', DT.FLOAT, [])];
    return 'r';
  });
  assert.throws(() => rewriteDropouts(model), (e: unknown) => e instanceof RangeError && /ratio 'r' is the graph input 'r', fed at run time.*--dropout-rate/.test(e.message));
  const compiled = await compileModel(model, { inputDims: DIMS, outputKind: 'logits', rate: 0.2 });
  const sampler = await McSampler.create(compiled, { batch: 2 });
  const maps = await sampler.sample(testImage(), { samples: 4, seed: 1, imageKey: 3 });
  await sampler.release();
  assert.ok(maps.meanVariance.some((v) => v > 0));
});
s('EXPECTED FAILURE: a Dropout inside an If branch is refused, naming it and the If', async () => {
  const model = decodeModel(identityDropout());
  const graph = model.graph as Graph;
  const branch = (name: string): onnx.IGraphProto => ({
    name, node: [makeNode('Dropout', ['features'], [`${name}_out`], `${name}_drop`)], output: [valueInfo(`${name}_out`, DT.FLOAT, [1, 3, 8, 8])],
  });
  graph.initializer = [...(graph.initializer ?? []), { name: 'cond', dataType: DT.BOOL, dims: [], rawData: new Uint8Array([1]) }];
  graph.node = [...(graph.node ?? []), makeNode('If', ['cond'], ['branched'], 'choose', [
    { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('then') },
    { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('else') }])];
  try {
    await compileModel(model, { inputDims: DIMS, outputKind: 'logits', file: 'branchy.onnx' });
    assert.unreachable('compiled a model with a dropout in a subgraph');
  } catch (err) {
    assert.match((err as Error).message, /branchy\.onnx: Dropout node then_drop is inside the then_branch subgraph of If node choose \(and 1 more\)/);
  }
});
s('float16 model: masks and the image are cast to its dtype; the MC mean matches the float32 model to float16 precision', async () => {
  const half = halfModel();
  const compiledHalf = await compileModel(decodeModel(encodeModel(half)), { inputDims: DIMS, outputKind: 'logits', file: 'half.onnx' });
  const compiledFull = await compileModel(decodeModel(identityDropout({ ratio: 0.2 })), { inputDims: DIMS, outputKind: 'logits' });
  assert.is(compiledHalf.points[0].rate, 0.199951171875); // 0.2 in float16
  const run = async (c: typeof compiledHalf) => {
    const sampler = await McSampler.create(c, { batch: 4 });
    const maps = await sampler.sample(testImage(), { samples: 8, seed: 5, imageKey: 9 });
    await sampler.release();
    return maps;
  };
  const a = await run(compiledHalf);
  const b = await run(compiledFull);
  let worst = 0;
  for (let i = 0; i < a.meanProbs.length; i++) worst = Math.max(worst, Math.abs(a.meanProbs[i] - b.meanProbs[i]));
  // same seed: the same masks, so the samples differ only by float16 rounding (and the rate's: 0.19995 vs 0.2)
  assert.ok(worst < 5e-3, `float16 vs float32 mean probabilities differ by ${worst}`);
  assert.ok(a.meanVariance.some((v) => v > 1e-4), 'the float16 samples vary');
});
s.run();
