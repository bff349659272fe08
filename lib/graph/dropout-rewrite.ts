/**
 * The core rewrite: every Dropout node becomes `x * mask`, where `mask` is a new graph input
 * holding 0 or 1/(1-p). ONNX Runtime deletes Dropout nodes in its basic optimisations even with
 * training_mode=true; a Mul by a graph input survives every optimisation level. Masks made in
 * JavaScript from (seed, image, sample index, dropout point) also make each sample reproducible
 * whatever the chunking, order or device.
 */
import { cloneModel, getAttribute, Graph, makeNode, Model, onnx, opsetVersion, valueInfo } from '../onnx/model';
import { foldScalar, type FoldedScalar } from './constant-fold';
import { checkNumber, checkRate } from '../validate';
import { nearestNames } from '../nearest-names';

/** One Monte-Carlo dropout point of the rewritten graph. */
export interface DropoutPoint {
  /** name of the Dropout node (or `inject:TENSOR` for injected points) */
  readonly node: string;
  /** tensor the mask multiplies */
  readonly tensor: string;
  /** graph input that carries the mask */
  readonly maskInput: string;
  /** drop probability p; kept activations are scaled by 1/(1-p) */
  readonly rate: number;
}

export interface DropoutNodeInfo {
  readonly node: string;
  readonly input: string;
  readonly output: string;
  /** ratio from the attribute (opset < 12) or the second input folded to a constant; 0.5 when absent */
  readonly ratio: number;
  /** why the ratio could not be read (then `ratio` is a placeholder): a graph input or a node not folded */
  readonly ratioProblem?: string;
  /** whether the training_mode input is a constant true (torch TrainingMode.PRESERVE) */
  readonly trainingMode: boolean;
}

export interface RewriteOptions {
  /** overrides every point's rate, in (0, 1) [default: each node's own ratio, which may be 0] */
  readonly rate?: number;
  /** extra dropout points after named tensors, for models exported without dropout */
  readonly injectAt?: readonly { readonly tensor: string; readonly rate?: number }[];
}

export interface RewriteResult {
  readonly model: Model;
  readonly points: readonly DropoutPoint[];
}

export const MASK_PREFIX = 'mc_mask_';

function describeProblem(node: string, what: string, f: FoldedScalar): string | undefined {
  if ('value' in f) return undefined;
  if ('graphInput' in f) return `Dropout node ${node}: its ${what} is the graph input '${f.graphInput}', fed at run time, so the rate to sample at is unknown`;
  if ('missing' in f) return `Dropout node ${node}: its ${what} '${f.missing}' is produced by no node`;
  return `Dropout node ${node}: its ${what} is computed by node ${f.node} (${f.op}), which cannot be folded to a constant (only initializers, Constant, Identity, Cast, Reshape, Squeeze, Unsqueeze, Flatten are)`;
}

/**
 * Dropout nodes inside If / Loop / Scan bodies (or any graph attribute): MC sampling rewrites the
 * main graph only (a Loop body would reuse one mask each iteration), so these are refused.
 */
export function findSubgraphDropouts(graph: Graph): { node: string; parent: string; attribute: string }[] {
  const found: { node: string; parent: string; attribute: string }[] = [];
  const visit = (g: Graph, parent: string, attribute: string): void => {
    for (const node of g.node ?? []) {
      if (parent && node.opType === 'Dropout') found.push({ node: node.name || '(unnamed)', parent, attribute });
      for (const a of node.attribute ?? []) {
        for (const sub of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) visit(sub, `${node.opType} node ${node.name || '(unnamed)'}`, a.name ?? '');
      }
    }
  };
  visit(graph, '', '');
  return found;
}

/** Lists the Dropout nodes of a graph with their ratio. */
export function findDropoutNodes(model: Model): DropoutNodeInfo[] {
  const graph = model.graph as Graph;
  const opset = opsetVersion(model);
  const found: DropoutNodeInfo[] = [];
  (graph.node ?? []).forEach((node, i) => {
    if (node.opType !== 'Dropout' || (node.domain ?? '') !== '') return;
    const inputs = node.input ?? [];
    const name = node.name || `Dropout_${i}`;
    let ratio = 0.5;
    let ratioProblem: string | undefined;
    if (opset < 12) {
      const a = getAttribute(node, 'ratio');
      if (a) ratio = a.f ?? 0.5;
    } else if (inputs[1]) {
      const f = foldScalar(graph, inputs[1]);
      if ('value' in f) ratio = f.value;
      else ratioProblem = describeProblem(name, `ratio '${inputs[1]}'`, f);
    }
    const mode = inputs[2] ? foldScalar(graph, inputs[2]) : null;
    const trainingMode = mode !== null && 'value' in mode && mode.value !== 0;
    found.push({ node: name, input: inputs[0], output: (node.output ?? [])[0], ratio, trainingMode, ...(ratioProblem ? { ratioProblem } : {}) });
  });
  return found;
}

/**
 * Returns a copy of `model` with every Dropout replaced by a Mul with a mask input, plus the
 * injected points. The original model is not modified.
 */
export function rewriteDropouts(source: Model, options: RewriteOptions = {}): RewriteResult {
  if (options.rate !== undefined) checkRate('dropout rate', options.rate);
  const model = cloneModel(source);
  const graph = model.graph as Graph;
  const nodes = graph.node ?? [];
  const consumed = new Set<string>();
  for (const n of nodes) for (const i of n.input ?? []) consumed.add(i);
  for (const o of graph.output ?? []) consumed.add(o.name ?? '');
  const points: DropoutPoint[] = [];
  const newNodes: onnx.INodeProto[] = [];
  const infos = findDropoutNodes(model);
  let k = 0;
  for (const node of nodes) {
    if (node.opType !== 'Dropout' || (node.domain ?? '') !== '') {
      newNodes.push(node);
      continue;
    }
    const info = infos[k];
    const maskOut = (node.output ?? [])[1];
    if (maskOut && consumed.has(maskOut)) {
      throw new TypeError(`Dropout node ${info.node}: its mask output '${maskOut}' is used by the graph; this rewrite cannot keep it`);
    }
    if (info.ratioProblem && options.rate === undefined) throw new RangeError(`${info.ratioProblem}; pass --dropout-rate P (the rate it was trained with)`);
    const rate = options.rate ?? info.ratio;
    // a model's own ratio may be 0 (dropout off); the rates the user asks for are in (0, 1)
    if (options.rate === undefined) checkNumber(`dropout ratio of node ${info.node}`, rate, { min: 0, below: 1 });
    const maskInput = `${MASK_PREFIX}${k}`;
    newNodes.push(makeNode('Mul', [info.input, maskInput], [info.output], `mc_dropout_${k}`));
    points.push({ node: info.node, tensor: info.input, maskInput, rate });
    k++;
  }
  graph.node = newNodes;
  dropUnusedInputs(graph, source.graph as Graph);
  for (const spec of options.injectAt ?? []) {
    const rate = spec.rate ?? options.rate ?? 0.5;
    checkRate(`rate of --dropout-at ${spec.tensor}`, rate);
    points.push(injectAfter(graph, spec.tensor, `${MASK_PREFIX}${k}`, rate));
    k++;
  }
  for (const p of points) graph.input = [...(graph.input ?? []), valueInfo(p.maskInput, onnx.TensorProto.DataType.FLOAT, [])];
  // Declared rank-0 shape above is a placeholder: drop the shape so any rank is accepted.
  for (const input of graph.input ?? []) {
    if (input.name?.startsWith(MASK_PREFIX) && input.type?.tensorType) input.type.tensorType.shape = null;
  }
  return { model, points };
}

/**
 * Graph inputs that only the removed Dropouts read (a ratio or training_mode fed at run time)
 * are dropped, so nobody has to feed them.
 */
function dropUnusedInputs(graph: Graph, before: Graph): void {
  const used = new Set<string>();
  for (const n of graph.node ?? []) for (const i of n.input ?? []) used.add(i);
  for (const o of graph.output ?? []) used.add(o.name ?? '');
  const usedBefore = new Set<string>();
  for (const n of before.node ?? []) for (const i of n.input ?? []) usedBefore.add(i);
  graph.input = (graph.input ?? []).filter((i) => used.has(i.name ?? '') || !usedBefore.has(i.name ?? ''));
}

/** Renames every consumer of `tensor` to read `tensor * mask` instead. */
function injectAfter(graph: Graph, tensor: string, maskInput: string, rate: number): DropoutPoint {
  const nodes = graph.node ?? [];
  const producedAt = nodes.findIndex((n) => (n.output ?? []).includes(tensor));
  const isInput = (graph.input ?? []).some((i) => i.name === tensor);
  if (producedAt < 0 && !isInput) {
    const names = nodes.flatMap((n) => n.output ?? []).filter((o) => o !== '');
    throw new RangeError(`--dropout-at: no tensor named '${tensor}' in the graph; nearest: ${nearestNames(tensor, names).map((n) => `'${n}'`).join(', ')} `
      + '(`segnet-uq inspect --tensors` lists the candidates)');
  }
  const dropped = `${tensor}__mc_dropout`;
  for (const n of nodes) {
    if (!n.input) continue;
    for (let i = 0; i < n.input.length; i++) if (n.input[i] === tensor) n.input[i] = dropped;
  }
  for (const o of graph.output ?? []) {
    if (o.name === tensor) throw new RangeError(`--dropout-at: '${tensor}' is a graph output; choose an inner tensor`);
  }
  const mul = makeNode('Mul', [tensor, maskInput], [dropped], `mc_inject_${maskInput}`);
  nodes.splice(producedAt + 1, 0, mul);
  return { node: `inject:${tensor}`, tensor, maskInput, rate };
}

/**
 * Dropout off (weight averaging, the standard deterministic prediction): every Dropout becomes
 * an Identity. Explicit, because ONNX Runtime keeps a Dropout whose output is a graph output.
 */
export function removeDropouts(source: Model): Model {
  const model = cloneModel(source);
  const graph = model.graph as Graph;
  graph.node = (graph.node ?? []).map((node) => (node.opType === 'Dropout' && (node.domain ?? '') === ''
    ? makeNode('Identity', [(node.input ?? [])[0]], [(node.output ?? [])[0]], node.name ?? 'dropout_off')
    : node));
  dropUnusedInputs(graph, source.graph as Graph);
  return model;
}
