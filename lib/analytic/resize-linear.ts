/**
 * Bilinear Resize of a variance: each output is w1 x1 + w2 x2 along each axis, so its variance
 * is w1^2 v1 + w2^2 v2. Written as two MatMuls with the squared interpolation matrices,
 * (Ah^2) V (Aw^2)^T, built here from the probed shapes and the op's coordinate mapping (ONNX
 * Resize: the source coordinate is clamped to [0, in - 1] and split between its two neighbours).
 */
import { getAttribute, toNumber, type Node } from '../onnx/model';
import type { MomentGraph } from './moment-graph';

type Mapping = (o: number, inSize: number, outSize: number, scale: number) => number;

const MAPPINGS: Readonly<Record<string, Mapping>> = {
  half_pixel: (o, _i, _o, scale) => (o + 0.5) / scale - 0.5,
  pytorch_half_pixel: (o, _i, outSize, scale) => (outSize > 1 ? (o + 0.5) / scale - 0.5 : 0),
  align_corners: (o, inSize, outSize) => (outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0),
  asymmetric: (o, _i, _o, scale) => o / scale,
};

/** The [outSize, inSize] linear interpolation matrix, row-major, each weight squared. */
export function squaredInterpolation(inSize: number, outSize: number, scale: number, mapping: string): Float64Array {
  const map = MAPPINGS[mapping];
  const a = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const x = Math.min(Math.max(map(o, inSize, outSize, scale), 0), inSize - 1);
    const x0 = Math.floor(x);
    const x1 = Math.min(x0 + 1, inSize - 1);
    const w1 = x - x0;
    a[o * inSize + x0] += 1 - w1;
    a[o * inSize + x1] += w1;
  }
  return a.map((w) => w * w);
}

/** The scale the op uses along each axis: its scales input when constant, else out / in. */
function scalesOf(node: Node, g: MomentGraph, inShape: readonly number[], outShape: readonly number[]): number[] {
  const index = node.opType === 'Upsample' || g.opset < 11 ? 1 : 2;
  const given = g.constantValues((node.input ?? [])[index] ?? '');
  if (given && given.values.length === inShape.length) return Array.from(given.values);
  return outShape.map((d, i) => d / inShape[i]);
}

export function resizeLinear(node: Node, g: MomentGraph): void {
  const [x] = node.input ?? [];
  const y = (node.output ?? [])[0];
  const v = g.varOf(x);
  (node.input ?? []).slice(1).forEach((t) => { if (g.varOf(t)) g.refuse(node, 'has a stochastic roi, scales or sizes input'); });
  const inShape = g.shape(x), outShape = g.shape(y);
  if (!v || !inShape || !outShape || inShape.length !== 4 || outShape.length !== 4 || inShape[0] !== outShape[0] || inShape[1] !== outShape[1]) {
    return g.refuse(node, 'resizes other axes than the last two of a 4-D tensor (or of unknown shape); the bilinear rule resizes height and width');
  }
  const mode = getAttribute(node, 'coordinate_transformation_mode')?.s;
  const mapping = mode ? Buffer.from(mode).toString() : g.opset >= 11 ? 'half_pixel' : 'asymmetric';
  if (!MAPPINGS[mapping]) return g.refuse(node, `maps coordinates with '${mapping}'; rules exist for ${Object.keys(MAPPINGS).join(', ')}`);
  if (toNumber(getAttribute(node, 'antialias')?.i) !== 0) return g.refuse(node, 'antialiases (a wider filter than the bilinear rule)');
  const scales = scalesOf(node, g, inShape, outShape);
  const [, , hi, wi] = inShape;
  const [, , ho, wo] = outShape;
  const ah = squaredInterpolation(hi, ho, scales[2], mapping);
  const aw = squaredInterpolation(wi, wo, scales[3], mapping);
  const awT = new Float64Array(wi * wo);
  for (let o = 0; o < wo; o++) for (let i = 0; i < wi; i++) awT[i * wo + o] = aw[o * wi + i];
  g.nodes.push(node);
  const rows = g.op('MatMul', [v, g.floats([wi, wo], awT)]);
  g.setVar(y, g.op('MatMul', [g.floats([ho, hi], ah), rows]));
}
