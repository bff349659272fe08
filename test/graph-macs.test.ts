import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { countMacs, macNodes } from '../lib/graph/macs';
import type { Graph } from '../lib/onnx/model';

// conv: 3 -> 8 channels, 3x3, output 8x16x16; deconv: 8 -> 4, 2x2 stride 2, output 4x32x32; gemm 64 -> 10
const graph = {
  node: [
    { opType: 'Conv', input: ['x', 'w1'], output: ['c1'] },
    { opType: 'Relu', input: ['c1'], output: ['r1'] },
    { opType: 'ConvTranspose', input: ['r1', 'w2'], output: ['d1'], attribute: [{ name: 'strides', ints: [2, 2] }] },
    { opType: 'Gemm', input: ['f', 'w3'], output: ['g1'] },
    { opType: 'MatMul', input: ['f', 'not-a-weight'], output: ['m1'] },
  ],
  initializer: [{ name: 'w1', dims: [8, 3, 3, 3] }, { name: 'w2', dims: [8, 4, 2, 2] }, { name: 'w3', dims: [64, 10] }],
} as unknown as Graph;
const shapes = new Map([['c1', { dims: [1, 8, 16, 16] }], ['d1', { dims: [1, 4, 32, 32] }], ['g1', { dims: [1, 10] }], ['m1', { dims: [1, 10] }]]);

const s = suite('countMacs');
s('per output: C_in * k for a Conv, C_in * k / stride for a ConvTranspose, the input width for a Gemm', () => {
  assert.equal(macNodes(graph).map((n) => n.opType), ['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
  const conv = 8 * 16 * 16 * (3 * 9);
  // each of the 8x16x16 inputs feeds 4 * 2x2 outputs: the same as 4x32x32 outputs taking 8 * 4 / 4 each
  const deconv = 4 * 32 * 32 * ((8 * 4) / 4);
  assert.is(deconv, 8 * 16 * 16 * 4 * 4);
  const gemm = 10 * 64;
  const { total, prefix } = countMacs(graph, shapes, (output) => output === 'c1');
  assert.is(total, conv + deconv + gemm, 'the MatMul without an initializer weight is not counted');
  assert.is(prefix, conv);
});
s('a node whose output shape was not found is left out', () => {
  assert.equal(countMacs(graph, new Map([['g1', { dims: [1, 10] }]]), () => false), { total: 640, prefix: 0 });
});
s.run();
