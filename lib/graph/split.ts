/**
 * Splits a rewritten graph at its first stochastic tensor: the prefix (everything that does not
 * depend on a dropout mask) runs once per image, the suffix runs once per chunk of samples.
 * The tensors that cross the boundary become prefix outputs and suffix inputs.
 */
import { Graph, Model, Node, onnx } from '../onnx/model';

export interface SplitResult {
  /** null when the graph has no stochastic part before its outputs (no dropout) */
  readonly prefix: Model | null;
  readonly suffix: Model | null;
  /** tensors computed by the prefix (or given as graph inputs) and read by the suffix */
  readonly boundary: readonly string[];
  /** graph inputs (images) the suffix reads directly */
  readonly suffixGraphInputs: readonly string[];
  /** names of the prefix and suffix nodes, in order (for compute shares) */
  readonly prefixNodes: readonly Node[];
  readonly suffixNodes: readonly Node[];
}

/** Tensors reachable from `sources` through the nodes, in topological (file) order. */
export function stochasticTensors(graph: Graph, sources: readonly string[]): Set<string> {
  const tainted = new Set(sources);
  for (const node of graph.node ?? []) {
    if ((node.input ?? []).some((t) => tainted.has(t))) for (const o of node.output ?? []) tainted.add(o);
  }
  return tainted;
}

function modelWith(source: Model, graph: onnx.IGraphProto): Model {
  return onnx.ModelProto.create({
    irVersion: source.irVersion,
    opsetImport: source.opsetImport,
    producerName: 'segnet-uq',
    graph,
  });
}

export function splitAtMasks(model: Model, maskInputs: readonly string[]): SplitResult {
  const graph = model.graph as Graph;
  const nodes = graph.node ?? [];
  const tainted = stochasticTensors(graph, maskInputs);
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  if (!outputs.some((o) => tainted.has(o))) {
    return { prefix: null, suffix: null, boundary: [], suffixGraphInputs: [], prefixNodes: nodes, suffixNodes: [] };
  }
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
  const isStochastic = (n: Node): boolean => (n.output ?? []).some((o) => tainted.has(o));
  // Nodes computed from initializers alone (Constant, Identity of a shared weight that the
  // exporter deduplicated) are cheap: duplicate them into the suffix rather than pass their
  // outputs across the boundary.
  const staticProducer = new Map<string, Node>();
  const isStaticTensor = (t: string): boolean => !t || initializers.has(t) || staticProducer.has(t);
  for (const n of nodes) {
    if (isStochastic(n)) continue;
    if (n.opType === 'Constant' || ((n.input ?? []).length > 0 && (n.input ?? []).every(isStaticTensor))) {
      for (const o of n.output ?? []) staticProducer.set(o, n);
    }
  }
  const suffixNodes = nodes.filter(isStochastic);
  const prefixNodes = nodes.filter((n) => !isStochastic(n));
  const boundary: string[] = [];
  const suffixGraphInputs: string[] = [];
  const suffixInits = new Map<string, onnx.ITensorProto>();
  const suffixStatic = new Set<Node>();
  const seen = new Set<string>();
  const need = (t: string): void => {
    if (!t || tainted.has(t) || seen.has(t)) return;
    seen.add(t);
    const init = initializers.get(t);
    const producer = staticProducer.get(t);
    if (init) suffixInits.set(t, init);
    else if (producer) {
      for (const i of producer.input ?? []) need(i);
      suffixStatic.add(producer);
    } else if (graphInputs.has(t)) suffixGraphInputs.push(t);
    else boundary.push(t);
  };
  for (const n of suffixNodes) for (const t of n.input ?? []) need(t);
  // Keep file (topological) order for the duplicated static nodes.
  const suffixConsts = nodes.filter((n) => suffixStatic.has(n));
  const valueInfos = new Map((graph.valueInfo ?? []).map((v) => [v.name ?? '', v]));
  const untyped = (name: string): onnx.IValueInfoProto => valueInfos.get(name) ?? { name };
  const prefixInitNames = new Set<string>();
  for (const n of prefixNodes) for (const t of n.input ?? []) if (initializers.has(t)) prefixInitNames.add(t);
  const prefixGraph: onnx.IGraphProto = {
    name: `${graph.name ?? 'graph'}_prefix`,
    node: prefixNodes,
    initializer: [...prefixInitNames].map((n) => initializers.get(n) as onnx.ITensorProto),
    input: (graph.input ?? []).filter((i) => !maskInputs.includes(i.name ?? '') && !initializers.has(i.name ?? '')),
    output: boundary.map(untyped),
  };
  const maskInfos = (graph.input ?? []).filter((i) => maskInputs.includes(i.name ?? ''));
  const suffixGraph: onnx.IGraphProto = {
    name: `${graph.name ?? 'graph'}_suffix`,
    node: [...suffixConsts, ...suffixNodes],
    initializer: [...suffixInits.values()],
    input: [
      ...boundary.map(untyped),
      ...(graph.input ?? []).filter((i) => suffixGraphInputs.includes(i.name ?? '')),
      ...maskInfos,
    ],
    output: graph.output,
  };
  return {
    prefix: boundary.length > 0 ? modelWith(model, prefixGraph) : null,
    suffix: modelWith(model, suffixGraph),
    boundary,
    suffixGraphInputs,
    prefixNodes,
    suffixNodes,
  };
}
