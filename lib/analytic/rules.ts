/**
 * Moment rules, one per ONNX op: each emits the node's mean (the node itself where the op is
 * linear: the mean of a linear map is the map of the mean) and its variance, assuming the
 * elements of a tensor independent (Postels et al., ICCV 2019; no covariances are carried).
 * - linear in x with constant weights (Conv, ConvTranspose, Gemm, MatMul, BatchNormalization,
 *   average pooling): var = the same map with the weights squared, without the bias;
 * - Add / Sub: variances add; Mul / Div by a deterministic tensor b: var * b^2, var / b^2;
 *   Mul of two stochastic tensors: va vb + va mb^2 + vb ma^2;
 * - moves and copies of elements (Reshape, Transpose, Slice, Concat, nearest Resize, Pad, ...):
 *   the same op on the variance (zeros for a deterministic operand);
 * - ReLU: the variance of a rectified Gaussian (moment matching, Erf and Exp); the mean stays
 *   ReLU(mean) (why: the rule);
 * - MaxPool: the paper's approximation: the pool of the means picks one element per window, and
 *   that element's variance is carried (its indices gather it).
 * Bilinear Resize is in resize-linear.ts.
 */
import { attrInt, getAttribute, makeNode, toNumber, type Node } from '../onnx/model';
import type { MomentGraph } from './moment-graph';
import { resizeLinear } from './resize-linear';

export type MomentRule = (node: Node, g: MomentGraph) => void;

/** variance floor inside the ReLU rule's sqrt, so a zero variance gives a finite standardised mean */
const RELU_VARIANCE_FLOOR = 1e-12;
/**
 * The standardised mean mu/sigma is clipped to +-CLIP in the variance formula: beyond it the
 * rectified variance is sigma^2 (or 0) to float32 precision, and the formula's terms of size
 * (mu/sigma)^2 would cancel catastrophically.
 */
const CLIP = 6;

const inputsOf = (n: Node): string[] => n.input ?? [];
const outputOf = (n: Node): string => (n.output ?? [])[0];

/** The variance of input `i`, which the rule requires. */
function needVar(node: Node, g: MomentGraph, i = 0): string {
  const v = g.varOf(inputsOf(node)[i]);
  if (!v) return g.refuse(node, `has a stochastic input other than its data input ${i}; no rule covers that`);
  return v;
}

/** Refuses a node whose inputs other than `allowed` carry variance (a stochastic weight, index or shape). */
function onlyStochastic(node: Node, g: MomentGraph, allowed: readonly number[]): void {
  inputsOf(node).forEach((t, i) => {
    if (!allowed.includes(i) && g.varOf(t)) return g.refuse(node, `has a stochastic input ${i} ('${t}'); its rule propagates variance through input ${allowed.join(' or ')} only`);
  });
}

/** Emits a copy of the node on other inputs (the variance), its outputs renamed; returns them. */
function copyOn(node: Node, g: MomentGraph, inputs: readonly string[], attributes = node.attribute ?? []): string[] {
  const outs = (node.output ?? []).map((o) => (o ? g.fresh(o) : ''));
  g.nodes.push({ ...makeNode(node.opType ?? '', inputs, outs, outs[0] || g.fresh(node.opType ?? 'op')), attribute: attributes });
  return outs;
}

/** Ops that move or copy elements of input 0: the same op moves the variance. */
const selection: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0]);
  const v = needVar(node, g);
  g.nodes.push(node);
  const outs = copyOn(node, g, [v, ...inputsOf(node).slice(1)]);
  (node.output ?? []).forEach((o, i) => { if (o) g.setVar(o, outs[i]); });
};

/** Ops whose output is the input's value (Identity, a float Cast): the variance is the input's. */
const alias: MomentRule = (node, g) => {
  g.nodes.push(node);
  g.setVar(outputOf(node), needVar(node, g));
};

const concat: MomentRule = (node, g) => {
  g.nodes.push(node);
  const vars = inputsOf(node).map((t) => g.varOf(t) ?? g.zerosLike(t));
  g.setVar(outputOf(node), copyOn(node, g, vars)[0]);
};

const pad: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0]);
  const mode = getAttribute(node, 'mode')?.s;
  const constant = !mode || Buffer.from(mode).toString() === 'constant';
  const ins = inputsOf(node);
  g.nodes.push(node);
  // constant padding adds deterministic values: variance 0 (the default pad value)
  const inputs = constant && g.opset >= 11 ? [needVar(node, g), ins[1] ?? '', '', ...ins.slice(3)] : [needVar(node, g), ...ins.slice(1)];
  const attributes = constant && g.opset < 11 ? (node.attribute ?? []).filter((a) => a.name !== 'value') : node.attribute ?? [];
  g.setVar(outputOf(node), copyOn(node, g, inputs, attributes)[0]);
};

/** Conv, ConvTranspose: var = the op on the variance with the weights squared, no bias. */
const weighted: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0]);
  g.nodes.push(node);
  const [, w] = inputsOf(node);
  g.setVar(outputOf(node), copyOn(node, g, [needVar(node, g), g.square(w)])[0]);
};

const matMul: MomentRule = (node, g) => {
  const [a, b] = inputsOf(node);
  const va = g.varOf(a), vb = g.varOf(b);
  if (va && vb) return g.refuse(node, 'multiplies two stochastic matrices; only one stochastic operand has a rule');
  g.nodes.push(node);
  g.setVar(outputOf(node), g.op('MatMul', va ? [va, g.square(b)] : [g.square(a), vb as string]));
};

const gemm: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0, 1]);
  const [a, b] = inputsOf(node);
  const va = g.varOf(a), vb = g.varOf(b);
  if (va && vb) return g.refuse(node, 'multiplies two stochastic matrices; only one stochastic operand has a rule');
  g.nodes.push(node);
  const alpha = getAttribute(node, 'alpha')?.f ?? 1;
  const attrs = (node.attribute ?? []).filter((x) => x.name === 'transA' || x.name === 'transB');
  attrs.push({ name: 'alpha', type: 1, f: alpha * alpha });
  g.setVar(outputOf(node), g.op('Gemm', va ? [va, g.square(b)] : [g.square(a), vb as string], attrs));
};

/** Inference BatchNormalization is x * gamma / sqrt(var + eps) + const per channel. */
const batchNorm: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0]);
  if ((getAttribute(node, 'training_mode')?.i ?? 0) !== 0) return g.refuse(node, 'runs in training mode (batch statistics); export it in eval mode');
  const [x, scale, , , variance] = inputsOf(node);
  const s = g.constantValues(scale), v = g.constantValues(variance);
  if (!s || !v) return g.refuse(node, 'has a scale or variance that is no float32 constant (computed at run time, or float16); the rule reads them');
  const eps = getAttribute(node, 'epsilon')?.f ?? 1e-5;
  const factor = Array.from(s.values, (gamma, c) => (gamma * gamma) / (v.values[c] + eps));
  const rank = g.shape(x)?.length ?? 4;
  g.nodes.push(node);
  g.setVar(outputOf(node), g.op('Mul', [needVar(node, g), g.floats([factor.length, ...new Array<number>(rank - 2).fill(1)], factor)]));
};

const averagePool: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0]);
  const pads = getAttribute(node, 'pads')?.ints?.map(toNumber) ?? [];
  const includePad = (getAttribute(node, 'count_include_pad')?.i ?? 0) !== 0;
  if ((pads.some((p) => p !== 0) && !includePad) || (getAttribute(node, 'ceil_mode')?.i ?? 0) !== 0) {
    return g.refuse(node, 'averages windows of different sizes (padding without count_include_pad, or ceil_mode); the rule needs one divisor');
  }
  const k = (getAttribute(node, 'kernel_shape')?.ints ?? []).reduce<number>((a, d) => a * toNumber(d), 1);
  g.nodes.push(node);
  // mean of k independent terms: var = sum v / k^2 = AveragePool(v) / k
  g.setVar(outputOf(node), g.op('Mul', [copyOn(node, g, [needVar(node, g)])[0], g.scalar(1 / k)]));
};

const globalAveragePool: MomentRule = (node, g) => {
  const shape = g.shape(inputsOf(node)[0]);
  if (!shape) return g.refuse(node, 'has an input of unknown shape');
  const k = shape.slice(2).reduce((a, d) => a * d, 1);
  g.nodes.push(node);
  g.setVar(outputOf(node), g.op('Mul', [copyOn(node, g, [needVar(node, g)])[0], g.scalar(1 / k)]));
};

const sameShape = (g: MomentGraph, a: string, b: string): boolean => {
  const sa = g.shape(a), sb = g.shape(b);
  return sa !== undefined && sb !== undefined && sa.length === sb.length && sa.every((d, i) => d === sb[i]);
};

const addSub: MomentRule = (node, g) => {
  const [a, b] = inputsOf(node);
  const va = g.varOf(a), vb = g.varOf(b);
  g.nodes.push(node);
  const out = outputOf(node);
  if (va && vb) { g.setVar(out, g.op('Add', [va, vb])); return; }
  const [v, t, other] = va ? [va, a, b] : [vb as string, b, a];
  // a deterministic operand shifts the mean only; it may broadcast the variance to a larger shape
  g.setVar(out, sameShape(g, t, out) ? v : g.op('Add', [v, g.zerosLike(other)]));
};

const mul: MomentRule = (node, g) => {
  const [a, b] = inputsOf(node);
  const va = g.varOf(a), vb = g.varOf(b);
  g.nodes.push(node);
  const out = outputOf(node);
  if (va && vb) {
    // independent factors: var(ab) = va vb + va b^2 + vb a^2
    const cross = g.op('Add', [g.op('Mul', [va, g.square(b)]), g.op('Mul', [vb, g.square(a)])]);
    g.setVar(out, g.op('Add', [g.op('Mul', [va, vb]), cross]));
    return;
  }
  g.setVar(out, va ? g.op('Mul', [va, g.square(b)]) : g.op('Mul', [vb as string, g.square(a)]));
};

const div: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0]);
  g.nodes.push(node);
  g.setVar(outputOf(node), g.op('Div', [needVar(node, g), g.square(inputsOf(node)[1])]));
};

const cast: MomentRule = (node, g) => {
  const to = getAttribute(node, 'to')?.i ?? 0;
  if (![1, 10, 11, 16].includes(to)) return g.refuse(node, `casts a stochastic tensor to element type ${to}; only float types keep a variance`);
  alias(node, g);
};

/** Rectified Gaussian: Var = E2 - E^2 with E = mu Phi(a) + s phi(a), E2 = (mu^2 + s^2) Phi(a) + mu s phi(a), a = mu / s. */
const relu: MomentRule = (node, g) => {
  const x = inputsOf(node)[0];
  const v = needVar(node, g);
  const s2 = g.op('Add', [v, g.scalar(RELU_VARIANCE_FLOOR)]);
  const s = g.op('Sqrt', [s2]);
  const a = g.op('Max', [g.op('Min', [g.op('Div', [x, s]), g.scalar(CLIP)]), g.scalar(-CLIP)]);
  const a2 = g.op('Mul', [a, a]);
  const cdf = g.op('Mul', [g.op('Add', [g.op('Erf', [g.op('Mul', [a, g.scalar(Math.SQRT1_2)])]), g.scalar(1)]), g.scalar(0.5)]);
  const pdf = g.op('Mul', [g.op('Exp', [g.op('Mul', [a2, g.scalar(-0.5)])]), g.scalar(1 / Math.sqrt(2 * Math.PI))]);
  // The mean stays ReLU(mu), the deterministic pass's, as in Postels et al.: the rectified mean
  // mu Phi + s phi with this rule's too small variances (no covariances) moved the pooling argmax
  // that this SegNet's index-unpooling reads, and its class map agreed with MC N=200 on 68% of
  // pixels against 93% for ReLU(mu) (64x96 check, bench/RESULTS.md)
  g.op('Relu', [x], [], outputOf(node));
  // var = s^2 g(a), g = (a^2 + 1) Phi + a phi - (a Phi + phi)^2 = Phi + m (a - m), m = a Phi + phi
  const m = g.op('Add', [g.op('Mul', [a, cdf]), pdf]);
  const gain = g.op('Add', [cdf, g.op('Mul', [m, g.op('Sub', [a, m])])]);
  g.setVar(outputOf(node), g.op('Relu', [g.op('Mul', [s2, gain])]));
};

const maxPool: MomentRule = (node, g) => {
  onlyStochastic(node, g, [0]);
  if ((getAttribute(node, 'storage_order')?.i ?? 0) !== 0) return g.refuse(node, 'stores its indices column-major (storage_order 1)');
  const [y, given] = node.output ?? [];
  const indices = given || g.fresh('indices');
  g.nodes.push(given ? node : { ...node, output: [y, indices] });
  // MaxPool's indices count over the whole tensor (batch and channel included): gather from it flat
  const flat = g.op('Reshape', [needVar(node, g), g.ints([-1])]);
  g.setVar(y, g.op('Gather', [flat, indices], [attrInt('axis', 0)]));
};

const resize: MomentRule = (node, g) => {
  const mode = getAttribute(node, 'mode')?.s;
  const name = mode ? Buffer.from(mode).toString() : 'nearest';
  if (name === 'nearest') { selection(node, g); return; }
  if (name === 'linear' || name === 'bilinear') { resizeLinear(node, g); return; }
  g.refuse(node, `resizes in mode '${name}'; rules exist for nearest and linear`);
};

/** Ops whose outputs carry no variance though an input does (shapes). */
const shapeOnly: MomentRule = (node, g) => { g.nodes.push(node); };

export const RULES: Readonly<Record<string, MomentRule>> = {
  Conv: weighted, ConvTranspose: weighted, MatMul: matMul, Gemm: gemm, BatchNormalization: batchNorm,
  AveragePool: averagePool, GlobalAveragePool: globalAveragePool,
  Add: addSub, Sub: addSub, Mul: mul, Div: div, Neg: alias, Identity: alias, Cast: cast,
  Reshape: selection, Flatten: selection, Squeeze: selection, Unsqueeze: selection, Transpose: selection, Slice: selection,
  Expand: selection, Tile: selection, Gather: selection, Split: selection, DepthToSpace: selection, SpaceToDepth: selection,
  Concat: concat, Pad: pad, Resize: resize, Upsample: resize,
  Relu: relu, MaxPool: maxPool, Shape: shapeOnly, Size: shapeOnly,
};
