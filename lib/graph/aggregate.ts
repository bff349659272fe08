/**
 * Appends the per-chunk aggregation to the suffix graph, so that only per-pixel maps of one
 * image come back to JavaScript whatever the chunk size K:
 *   P      = softmax(Y / T) over the class axis (skipped when the model outputs probabilities)
 *   mean   = mean_k P                    [1, C, H, W]
 *   m2     = sum_k (P - mean)^2          [1, C, H, W]  (merged across chunks with Chan's formula)
 *   entSum = sum_k (-sum_c P log P)      [1, 1, H, W]
 *   votes  = sum_k onehot(argmax_c P)    [1, C, H, W]  (per-class argmax counts: the variation ratio
 *            1 - max_c votes / N needs nothing else, so memory stays constant in N)
 */
import { attrInt, attrInts, floatTensor, Graph, int64Tensor, makeNode, Model, Node, opsetVersion } from '../onnx/model';

export const AGG_MEAN = 'mc_chunk_mean';
export const AGG_M2 = 'mc_chunk_m2';
export const AGG_ENTROPY_SUM = 'mc_chunk_entropy_sum';
export const AGG_VOTES = 'mc_chunk_votes';

export interface AggregateOptions {
  /** the class-score output to aggregate [default: the first graph output] */
  readonly output?: string;
  readonly outputKind: 'logits' | 'probabilities';
  /** softmax temperature [default: 1] */
  readonly temperature?: number;
  /**
   * one sample per run (lib/engine/single-pass.ts): the mean is the sample's p, so the reduction
   * over samples and the whole M2 branch are left out; outputs the probabilities (first) and
   * AGG_ENTROPY_SUM [false]
   */
  readonly singleSample?: boolean;
  /**
   * the softmax from reductions over the class axis (as before opset 13) instead of the Softmax
   * op, which ONNX Runtime's CPU kernel runs over axis 1 by transposing: 2.5x slower on the
   * analytic mode's [8, 11, 288, 384] draws [false]
   */
  readonly decomposedSoftmax?: boolean;
}

/** A reduction over `axes` that uses the attribute or input form the model's opset requires. */
function reduce(op: string, x: string, axes: readonly number[], keepdims: boolean, out: string, opset: number,
  nodes: Node[], inits: Graph['initializer'] & object): void {
  const axesInputFrom = op === 'ReduceSum' ? 13 : 18;
  if (opset >= axesInputFrom) {
    const axesName = `${out}_axes`;
    inits.push(int64Tensor(axesName, [axes.length], axes));
    nodes.push(makeNode(op, [x, axesName], [out], out, [attrInt('keepdims', keepdims ? 1 : 0)]));
  } else {
    nodes.push(makeNode(op, [x], [out], out, [attrInts('axes', axes), attrInt('keepdims', keepdims ? 1 : 0)]));
  }
}

/** Mutates `suffix` (a model from splitAtMasks) so that its outputs are the chunk aggregates. */
export function appendAggregation(suffix: Model, options: AggregateOptions): void {
  const graph = suffix.graph as Graph;
  const opset = opsetVersion(suffix);
  const y = options.output ?? (graph.output ?? [])[0]?.name ?? '';
  const nodes: Node[] = [];
  const inits = graph.initializer ?? [];
  graph.initializer = inits;
  let probs = y;
  const temperature = options.temperature ?? 1;
  if (options.outputKind === 'logits') {
    let logits = y;
    if (temperature !== 1) {
      inits.push(floatTensor('mc_temperature', [], [temperature]));
      nodes.push(makeNode('Div', [y, 'mc_temperature'], ['mc_scaled_logits'], 'mc_scaled_logits'));
      logits = 'mc_scaled_logits';
    }
    probs = 'mc_probs';
    if (opset >= 13 && !options.decomposedSoftmax) {
      nodes.push(makeNode('Softmax', [logits], [probs], 'mc_softmax', [attrInt('axis', 1)]));
    } else {
      // Before opset 13 Softmax flattens to 2-D: build it from reductions over the class axis.
      reduce('ReduceMax', logits, [1], true, 'mc_logit_max', opset, nodes, inits);
      nodes.push(makeNode('Sub', [logits, 'mc_logit_max'], ['mc_logit_shift'], 'mc_logit_shift'));
      nodes.push(makeNode('Exp', ['mc_logit_shift'], ['mc_exp'], 'mc_exp'));
      reduce('ReduceSum', 'mc_exp', [1], true, 'mc_exp_sum', opset, nodes, inits);
      nodes.push(makeNode('Div', ['mc_exp', 'mc_exp_sum'], [probs], 'mc_softmax'));
    }
  }
  if (!options.singleSample) {
    reduce('ReduceMean', probs, [0], true, AGG_MEAN, opset, nodes, inits);
    nodes.push(makeNode('Sub', [probs, AGG_MEAN], ['mc_dev'], 'mc_dev'));
    nodes.push(makeNode('Mul', ['mc_dev', 'mc_dev'], ['mc_dev2'], 'mc_dev2'));
    reduce('ReduceSum', 'mc_dev2', [0], true, AGG_M2, opset, nodes, inits);
  }
  // 0 * log(tiny) = 0, so classes with probability 0 add nothing to the entropy.
  inits.push(floatTensor('mc_tiny', [], [1e-30]));
  nodes.push(makeNode('Max', [probs, 'mc_tiny'], ['mc_probs_safe'], 'mc_probs_safe'));
  nodes.push(makeNode('Log', ['mc_probs_safe'], ['mc_log_probs'], 'mc_log_probs'));
  nodes.push(makeNode('Mul', [probs, 'mc_log_probs'], ['mc_plogp'], 'mc_plogp'));
  reduce('ReduceSum', 'mc_plogp', [0, 1], true, 'mc_neg_entropy_sum', opset, nodes, inits);
  nodes.push(makeNode('Neg', ['mc_neg_entropy_sum'], [AGG_ENTROPY_SUM], AGG_ENTROPY_SUM));
  // ArgMax keeps the first of equal maxima, as the JavaScript argmax does; the class count comes
  // from the tensor's shape at run time (OneHot's depth), so no card is needed here
  if (!options.singleSample) {
    nodes.push(makeNode('ArgMax', [probs], ['mc_argmax'], 'mc_argmax', [attrInt('axis', 1), attrInt('keepdims', 0)]));
    nodes.push(makeNode('Shape', [probs], ['mc_probs_shape'], 'mc_probs_shape'));
    inits.push(int64Tensor('mc_class_axis', [1], [1]));
    nodes.push(makeNode('Gather', ['mc_probs_shape', 'mc_class_axis'], ['mc_depth'], 'mc_depth', [attrInt('axis', 0)]));
    inits.push(floatTensor('mc_onehot_values', [2], [0, 1]));
    nodes.push(makeNode('OneHot', ['mc_argmax', 'mc_depth', 'mc_onehot_values'], ['mc_onehot'], 'mc_onehot', [attrInt('axis', 1)]));
    reduce('ReduceSum', 'mc_onehot', [0], true, AGG_VOTES, opset, nodes, inits);
  }
  graph.node = [...(graph.node ?? []), ...nodes];
  graph.output = options.singleSample ? [{ name: probs }, { name: AGG_ENTROPY_SUM }] : [{ name: AGG_MEAN }, { name: AGG_M2 }, { name: AGG_ENTROPY_SUM }, { name: AGG_VOTES }];
}
