/**
 * Chunks of K samples run as one batch in the suffix. Prefix tensors arrive with batch 1:
 * broadcasting ops combine them with batch-K tensors as they are, every other consumer gets an
 * Expand to the chunk's batch, read off the first mask's shape so one graph serves every K.
 */
import { Graph, int64Tensor, makeNode, Model, Node, onnx } from '../onnx/model';

const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Greater',
  'GreaterOrEqual', 'Less', 'LessOrEqual', 'Where', 'And', 'Or', 'Xor', 'PRelu']);

const FLOATS = new Set<number>([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.FLOAT16, onnx.TensorProto.DataType.BFLOAT16,
  onnx.TensorProto.DataType.DOUBLE]);

/** A boundary tensor whose consumers cannot take batch 1 against batch K. */
export class BatchingError extends Error {
  /** why, without the advice: the Segmenter falls back to batch 1 itself and says so with this */
  readonly reason: string;

  constructor(reason: string) {
    super(`${reason}; use --batch 1`);
    this.name = 'BatchingError';
    this.reason = reason;
  }
}

export function expandBoundaryForBatch(suffix: Model, boundary: readonly string[], ranks: ReadonlyMap<string, number>,
  elemTypes: ReadonlyMap<string, number>, firstMask: string): void {
  const graph = suffix.graph as Graph;
  const nodes = graph.node ?? [];
  // rank 0 and 1 tensors are shapes and sizes (a dynamic-size model computes them from the image's
  // shape before the dropout): the same for every sample, so they pass as they are
  const needs = boundary.filter((t) => (ranks.get(t) ?? 4) >= 2
    && nodes.some((n) => (n.input ?? []).includes(t) && !BROADCASTING.has(n.opType ?? '')));
  if (needs.length === 0) return;
  for (const t of needs) {
    for (const n of nodes) {
      if (n.opType === 'MaxUnpool' && (n.input ?? [])[1] === t) {
        throw new BatchingError(`MaxUnpool node '${n.name}' reads pooling indices '${t}' computed before the first dropout: `
          + 'indices of one image cannot be shared by a batch of samples');
      }
    }
    if (!FLOATS.has(elemTypes.get(t) ?? 0)) {
      throw new BatchingError(`tensor '${t}' (non-float) crosses the dropout boundary into a non-broadcasting op`);
    }
  }
  const head: Node[] = [
    makeNode('Shape', [firstMask], ['mc_mask_shape'], 'mc_mask_shape'),
  ];
  const inits = graph.initializer ?? [];
  graph.initializer = inits;
  inits.push(int64Tensor('mc_zero', [1], [0]), int64Tensor('mc_one', [1], [1]));
  head.push(makeNode('Slice', ['mc_mask_shape', 'mc_zero', 'mc_one'], ['mc_batch'], 'mc_batch'));
  const shapesByRank = new Map<number, string>();
  for (const t of needs) {
    const rank = ranks.get(t) ?? 4;
    let shape = shapesByRank.get(rank);
    if (!shape) {
      shape = `mc_expand_shape_r${rank}`;
      const ones = `mc_ones_r${rank}`;
      inits.push(int64Tensor(ones, [rank - 1], new Array(rank - 1).fill(1)));
      head.push(makeNode('Concat', ['mc_batch', ones], [shape], shape, [{ name: 'axis', type: 2, i: 0 }]));
      shapesByRank.set(rank, shape);
    }
    const expanded = `${t}__mc_batch`;
    head.push(makeNode('Expand', [t, shape], [expanded], `mc_expand_${t}`));
    for (const n of nodes) {
      if (BROADCASTING.has(n.opType ?? '') || !n.input) continue;
      for (let i = 0; i < n.input.length; i++) if (n.input[i] === t) n.input[i] = expanded;
    }
  }
  graph.node = [...head, ...nodes];
}
