/**
 * Multiply-adds of a graph's Conv, ConvTranspose, Gemm and MatMul nodes, from their weights and
 * the output shapes a run found (engine/compile.ts probeTensors): what `inspect` reports.
 */
import { toNumber, type Graph, type Node } from '../onnx/model';

const MAC_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** The nodes counted, whose first outputs are the shapes to find. */
export function macNodes(graph: Graph): Node[] {
  return (graph.node ?? []).filter((n) => MAC_OPS.has(n.opType ?? ''));
}

/** Multiply-adds per counted node, by its first output; a node without a found shape or an initializer weight is left out. */
export function macsByOutput(graph: Graph, shapes: ReadonlyMap<string, { readonly dims: readonly number[] }>): Map<string, number> {
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const result = new Map<string, number>();
  for (const n of macNodes(graph)) {
    const output = (n.output ?? [])[0];
    const out = shapes.get(output);
    const w = inits.get((n.input ?? [])[1] ?? '');
    if (!out || !w) continue;
    const wd = (w.dims ?? []).map(toNumber);
    const outSize = out.dims.reduce((a, b) => a * b, 1);
    const kernel = wd.slice(2).reduce((a, b) => a * b, 1);
    const strides = (n.attribute ?? []).find((a) => a.name === 'strides')?.ints?.map(toNumber).reduce((a, b) => a * b, 1) ?? 1;
    // Conv: C_in/g * k per output; ConvTranspose: each input element feeds C_out/g * k outputs.
    const perOutput = n.opType === 'Conv' ? wd[1] * kernel : n.opType === 'ConvTranspose' ? (wd[0] * kernel) / strides : wd[0];
    result.set(output, outSize * perOutput);
  }
  return result;
}

/**
 * Total multiply-adds, and those of the nodes `inPrefix` (their first output) says run once per
 * image. A node without a found output shape or an initializer weight is not counted.
 */
export function countMacs(graph: Graph, shapes: ReadonlyMap<string, { readonly dims: readonly number[] }>, inPrefix: (output: string) => boolean)
  : { total: number; prefix: number } {
  let total = 0, prefix = 0;
  for (const [output, macs] of macsByOutput(graph, shapes)) {
    total += macs;
    if (inPrefix(output)) prefix += macs;
  }
  return { total, prefix };
}

/**
 * The tensors every node reading `tensor` (directly or through others) writes: what would run per
 * MC sample with dropout injected at `tensor`. Nodes are in topological order (ONNX requires it).
 */
export function downstreamTensors(graph: Graph, tensor: string): Set<string> {
  const reached = new Set([tensor]);
  for (const n of graph.node ?? []) {
    if ((n.input ?? []).some((i) => reached.has(i))) for (const o of n.output ?? []) reached.add(o);
  }
  reached.delete(tensor);
  return reached;
}
