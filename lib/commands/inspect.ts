/** `segnet-uq inspect`: what the MC engine sees in a model. */
import type { ModelCard } from '../model/types';
import { probeTensors } from '../engine/compile';
import { findDropoutNodes, DropoutNodeInfo, MASK_PREFIX, rewriteDropouts } from '../graph/dropout-rewrite';
import { floatBoundary } from '../graph/float-boundary';
import { splitAtMasks } from '../graph/split';
import { resolveModel } from '../model/card';
import { countMacs, downstreamTensors, macNodes, macsByOutput } from '../graph/macs';
import { parseDropoutAt } from '../engine/segmenter';
import { formatFloat32 } from '../format';
import { declaredShape, Graph, opsetVersion, readModel } from '../onnx/model';

export interface InspectResult {
  readonly model: string;
  readonly card: ModelCard;
  readonly opset: number;
  readonly inputs: readonly { name: string; dims: readonly (number | string)[] }[];
  readonly outputs: readonly { name: string; dims: readonly (number | string)[] }[];
  readonly dropout: readonly DropoutNodeInfo[];
  /** multiply-adds of Conv/ConvTranspose/Gemm/MatMul nodes */
  readonly macs: { readonly total: number; readonly beforeFirstDropout: number; readonly shareBeforeFirstDropout: number };
  readonly nodes: { readonly total: number; readonly prefix: number; readonly suffix: number };
  /** the points --dropout-at injects (inspect --dropout-at), with their rates */
  readonly injected: readonly { readonly tensor: string; readonly rate: number }[];
  /** with --tensors: where --dropout-at can go, in graph order */
  readonly tensors?: readonly TensorCandidate[];
}

/** A tensor --dropout-at can take: a 4-D float activation that is not a graph output. */
export interface TensorCandidate {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: string;
  /** the share of the model's multiply-adds that depend on it: run per MC sample with dropout there */
  readonly shareAfter: number;
}

export interface InspectOptions {
  readonly model?: string;
  readonly card?: string;
  /** list the candidate tensors for --dropout-at */
  readonly tensors?: boolean;
  /** inject MC dropout as a run would (TENSOR[:p]), to see its points and cost */
  readonly dropoutAt?: readonly string[];
  readonly dropoutRate?: number;
}

const FLOAT_TYPES = new Set(['float32', 'float16', 'float64', 'bfloat16']);

export async function runInspect(options: InspectOptions): Promise<InspectResult> {
  const { modelPath, card } = resolveModel(options.model, options.card);
  const { model } = readModel(modelPath);
  const graph = model.graph as Graph;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const dropout = findDropoutNodes(model);
  // a ratio that cannot be read is shown as a problem below, not an error: rewrite at a placeholder rate
  const injectAt = (options.dropoutAt ?? []).map(parseDropoutAt);
  const rate = options.dropoutRate ?? (dropout.some((d) => d.ratioProblem) ? 0.5 : undefined);
  const { model: rewritten, points } = rewriteDropouts(model, { ...(rate === undefined ? {} : { rate }), injectAt });
  const split = splitAtMasks(rewritten, points.map((p) => p.maskInput));
  const inputName = card.input.name ?? (graph.input ?? []).map((i) => i.name ?? '').find((n) => !inits.has(n) && !n.startsWith(MASK_PREFIX)) ?? '';
  const outputName = card.output.name ?? (graph.output ?? [])[0]?.name ?? '';
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const probed = options.tensors ? (graph.node ?? []).flatMap((n) => n.output ?? []).filter((o) => o !== '')
    : macNodes(graph).map((n) => (n.output ?? [])[0]);
  const shapes = await probeTensors(floatBoundary(model, inputName, outputName), inputName, [1, 3, card.input.height, card.input.width], probed, {});
  const prefixOutputs = new Set(split.prefixNodes.flatMap((n) => n.output ?? []));
  const { total, prefix: before } = countMacs(graph, shapes, (output) => split.suffix === null || prefixOutputs.has(output));
  const shape = (v: { name?: string | null }) => ({ name: v.name ?? '', dims: declaredShape(v).dims });
  return {
    model: modelPath, card, opset: opsetVersion(model),
    inputs: (graph.input ?? []).filter((i) => !inits.has(i.name ?? '')).map(shape),
    outputs: (graph.output ?? []).map(shape),
    dropout,
    macs: { total, beforeFirstDropout: before, shareBeforeFirstDropout: total ? before / total : 0 },
    nodes: { total: graph.node?.length ?? 0, prefix: split.prefixNodes.length, suffix: split.suffixNodes.length },
    injected: points.filter((p) => p.node.startsWith('inject:')).map((p) => ({ tensor: p.tensor, rate: p.rate })),
    ...(options.tensors ? { tensors: candidates(graph, shapes, total, graphOutputs) } : {}),
  };
}

function candidates(graph: Graph, shapes: ReadonlyMap<string, { dims: number[]; type: string }>, total: number, outputs: ReadonlySet<string>): TensorCandidate[] {
  const macs = macsByOutput(graph, shapes);
  const result: TensorCandidate[] = [];
  for (const [name, { dims, type }] of shapes) {
    // a graph output cannot take dropout (dropout-rewrite refuses it)
    if (dims.length !== 4 || !FLOAT_TYPES.has(type) || outputs.has(name)) continue;
    let after = 0;
    for (const t of downstreamTensors(graph, name)) after += macs.get(t) ?? 0;
    result.push({ name, dims, type, shareAfter: total ? after / total : 0 });
  }
  return result;
}

/** inspect --tensors: one candidate per line, its name first, then its shape and the compute after it. */
export function formatTensors(tensors: readonly TensorCandidate[]): string {
  return tensors.map((t) => `${t.name}  [${t.dims.join(', ')}] ${t.type}  ${(100 * t.shareAfter).toFixed(1)}% of compute after it`).join('\n') + '\n';
}

export function formatInspect(r: InspectResult): string {
  const lines = [
    `model    ${r.model}`,
    `card     ${r.card.name}: ${r.card.classes.length} classes, input ${r.card.input.width}x${r.card.input.height}, output ${r.card.output.kind}`,
    `opset    ${r.opset}`,
    ...r.inputs.map((i) => `input    ${i.name} [${i.dims.join(', ')}]`),
    ...r.outputs.map((o) => `output   ${o.name} [${o.dims.join(', ')}]`),
    `dropout  ${r.dropout.length} node(s)${r.dropout.length + r.injected.length === 0 ? ': every MC sample would be identical (use --dropout-at TENSOR[:p])' : ''}`,
    ...r.dropout.map((d) => (d.ratioProblem ? `  ${d.node}  p=?  on ${d.input}: ${d.ratioProblem}; run with --dropout-rate P`
      : `  ${d.node}  p=${formatFloat32(d.ratio)}  on ${d.input}${d.trainingMode ? '' : '  (training_mode off in the file; the engine turns it on)'}`)),
    ...r.injected.map((p) => `  --dropout-at  p=${formatFloat32(p.rate)}  on ${p.tensor}`),
    `compute  ${(r.macs.total / 1e9).toFixed(3)} GMAC per pass; ${(100 * r.macs.shareBeforeFirstDropout).toFixed(1)}% before the first dropout (run once per image, shared by all samples)`,
    `nodes    ${r.nodes.total} (${r.nodes.prefix} deterministic prefix, ${r.nodes.suffix} per sample)`,
  ];
  return lines.join('\n') + '\n';
}
