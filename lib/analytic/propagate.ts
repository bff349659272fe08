/**
 * `--samples analytic`: the rewritten model (dropouts as Mul by a mask input,
 * lib/graph/dropout-rewrite.ts) becomes one graph that carries a mean and a variance per tensor
 * from the first dropout on, instead of sampling masks. A dropout point x * m, m in {0, 1/(1-p)}:
 * mean x, var = var_x / (1-p) + x^2 p / (1-p) (E m = 1, E m^2 = 1/(1-p)). Every other node with a
 * stochastic input goes through its rule (rules.ts); an op without one stops the compile, naming
 * the op and the node.
 */
import { ModelError, getAttribute, opsetVersion, cloneModel, type Graph, type Model, type Node } from '../onnx/model';
import type { DropoutPoint } from '../graph/dropout-rewrite';
import { MomentGraph } from './moment-graph';
import { RULES } from './rules';

export interface MomentOptions {
  readonly outputName: string;
  readonly outputKind: 'logits' | 'probabilities';
  readonly points: readonly DropoutPoint[];
  /** probed dims of the tensors the rules read (BatchNorm's rank, Add's broadcast, bilinear sizes) */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  readonly file: string;
}

export interface MomentModel {
  /** graph outputs: `mean`, then `variance` (absent when no dropout precedes the logits) */
  readonly model: Model;
  readonly mean: string;
  readonly variance: string | null;
  /** every stochastic tensor's variance tensor (the mean keeps the tensor's name) */
  readonly variances: ReadonlyMap<string, string>;
}

function dropoutMoments(node: Node, rate: number, g: MomentGraph): void {
  const [x] = node.input ?? [];
  const y = (node.output ?? [])[0];
  g.op('Identity', [x], [], y);
  const fromMean = g.op('Mul', [g.op('Mul', [x, x]), g.scalar(rate / (1 - rate))]);
  const vx = g.varOf(x);
  g.setVar(y, vx ? g.op('Add', [fromMean, g.op('Mul', [vx, g.scalar(1 / (1 - rate))])]) : fromMean);
}

/** A probabilities model's final Softmax over the classes, whose input are the logits. */
function finalSoftmax(graph: Graph, output: string, opset: number, file: string): Node {
  const producer = (graph.node ?? []).find((n) => (n.output ?? []).includes(output));
  const axis = producer ? Number(getAttribute(producer, 'axis')?.i ?? (opset >= 13 ? -1 : 1)) : 0;
  if (!producer || producer.opType !== 'Softmax' || opset < 13 || (axis !== 1 && axis !== -3)) {
    throw new ModelError(file, `--samples analytic propagates class logits: the output '${output}' is made by `
      + `${producer ? `${producer.opType} node '${producer.name}'` : 'no node'}, not a Softmax over axis 1 (opset 13 or later) whose input it could take`);
  }
  return producer;
}

export function propagateMoments(rewritten: Model, options: MomentOptions): MomentModel {
  const model = cloneModel(rewritten);
  const graph = model.graph as Graph;
  const opset = opsetVersion(model);
  const g = new MomentGraph(graph, options.shapes, opset, options.file);
  const masks = new Map(options.points.map((p) => [p.maskInput, p]));
  const softmax = options.outputKind === 'probabilities' ? finalSoftmax(graph, options.outputName, opset, options.file) : null;
  const logits = softmax ? (softmax.input ?? [])[0] : options.outputName;
  for (const node of graph.node ?? []) {
    if (node === softmax) continue;
    const inputs = node.input ?? [];
    const point = node.opType === 'Mul' ? masks.get(inputs[1]) : undefined;
    if (point) {
      dropoutMoments(node, point.rate, g);
      continue;
    }
    if (!inputs.some((t) => g.varOf(t))) {
      g.nodes.push(node);
      continue;
    }
    const rule = (node.domain ?? '') === '' ? RULES[node.opType ?? ''] : undefined;
    if (!rule) return g.refuse(node, `has no moment rule (rules exist for ${Object.keys(RULES).sort().join(', ')})`);
    rule(node, g);
  }
  graph.node = g.nodes;
  graph.initializer = [...(graph.initializer ?? []), ...g.initializers];
  graph.input = (graph.input ?? []).filter((i) => !masks.has(i.name ?? ''));
  const variance = g.varOf(logits) ?? null;
  graph.output = [{ name: logits }, ...(variance ? [{ name: variance }] : [])];
  return { model, mean: logits, variance, variances: g.variances() };
}
