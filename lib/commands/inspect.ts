/** `segnet-uq inspect`: what the MC engine sees in a model. */
import type { ModelCard } from '../model/types';
import { probeTensors } from '../engine/compile';
import { findDropoutNodes, DropoutNodeInfo, MASK_PREFIX, rewriteDropouts } from '../graph/dropout-rewrite';
import { floatBoundary } from '../graph/float-boundary';
import { splitAtMasks } from '../graph/split';
import { resolveModel } from '../model/card';
import { countMacs, macNodes } from '../graph/macs';
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
}

export async function runInspect(options: { model?: string; card?: string }): Promise<InspectResult> {
  const { modelPath, card } = resolveModel(options.model, options.card);
  const { model } = readModel(modelPath);
  const graph = model.graph as Graph;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const dropout = findDropoutNodes(model);
  // a ratio that cannot be read is shown as a problem below, not an error: rewrite at a placeholder rate
  const { model: rewritten, points } = rewriteDropouts(model, dropout.some((d) => d.ratioProblem) ? { rate: 0.5 } : {});
  const split = splitAtMasks(rewritten, points.map((p) => p.maskInput));
  const inputName = card.input.name ?? (graph.input ?? []).map((i) => i.name ?? '').find((n) => !inits.has(n) && !n.startsWith(MASK_PREFIX)) ?? '';
  const outputName = card.output.name ?? (graph.output ?? [])[0]?.name ?? '';
  const shapes = await probeTensors(floatBoundary(model, inputName, outputName), inputName, [1, 3, card.input.height, card.input.width],
    macNodes(graph).map((n) => (n.output ?? [])[0]), {});
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
  };
}

export function formatInspect(r: InspectResult): string {
  const lines = [
    `model    ${r.model}`,
    `card     ${r.card.name}: ${r.card.classes.length} classes, input ${r.card.input.width}x${r.card.input.height}, output ${r.card.output.kind}`,
    `opset    ${r.opset}`,
    ...r.inputs.map((i) => `input    ${i.name} [${i.dims.join(', ')}]`),
    ...r.outputs.map((o) => `output   ${o.name} [${o.dims.join(', ')}]`),
    `dropout  ${r.dropout.length} node(s)${r.dropout.length === 0 ? ': every MC sample would be identical (use --dropout-at TENSOR[:p])' : ''}`,
    ...r.dropout.map((d) => (d.ratioProblem ? `  ${d.node}  p=?  on ${d.input}: ${d.ratioProblem}; run with --dropout-rate P`
      : `  ${d.node}  p=${d.ratio}  on ${d.input}${d.trainingMode ? '' : '  (training_mode off in the file; the engine turns it on)'}`)),
    `compute  ${(r.macs.total / 1e9).toFixed(3)} GMAC per pass; ${(100 * r.macs.shareBeforeFirstDropout).toFixed(1)}% before the first dropout (run once per image, shared by all samples)`,
    `nodes    ${r.nodes.total} (${r.nodes.prefix} deterministic prefix, ${r.nodes.suffix} per sample)`,
  ];
  return lines.join('\n') + '\n';
}
