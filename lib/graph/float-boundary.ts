/**
 * Half- and double-precision models (a torch `.half()` export, bfloat16) take and give float32
 * here: the engine feeds the image and reads the class scores as float32, so a Cast follows the
 * image input and another precedes the scores output. The network itself keeps its dtype; the
 * dropout masks are cast to the dtype of the tensor they multiply (castMasks).
 */
import { attrInt, cloneModel, declaredShape, Graph, makeNode, Model, onnx } from '../onnx/model';

const DT = onnx.TensorProto.DataType;
const NON_FLOAT32 = new Set<number>([DT.FLOAT16, DT.BFLOAT16, DT.DOUBLE]);

/** The elem type of a graph input or output (0 when not declared). */
function elemTypeOf(graph: Graph, name: string, where: 'input' | 'output'): number {
  const info = (graph[where] ?? []).find((v) => v.name === name);
  return info ? declaredShape(info).elemType : 0;
}

/** A copy with float32 at the image input and the scores output, or the model itself when both already are. */
export function floatBoundary(source: Model, inputName: string, outputName: string): Model {
  const graph0 = source.graph as Graph;
  const inType = elemTypeOf(graph0, inputName, 'input');
  const outType = elemTypeOf(graph0, outputName, 'output');
  if (!NON_FLOAT32.has(inType) && !NON_FLOAT32.has(outType)) return source;
  const model = cloneModel(source);
  const graph = model.graph as Graph;
  const nodes = graph.node ?? [];
  if (NON_FLOAT32.has(inType)) {
    const cast = `${inputName}__as_model_dtype`;
    for (const n of nodes) n.input = (n.input ?? []).map((i) => (i === inputName ? cast : i));
    nodes.unshift(makeNode('Cast', [inputName], [cast], 'mc_input_cast', [attrInt('to', inType)]));
    const info = (graph.input ?? []).find((v) => v.name === inputName);
    if (info?.type?.tensorType) info.type.tensorType.elemType = DT.FLOAT;
  }
  if (NON_FLOAT32.has(outType)) {
    const inner = `${outputName}__model_dtype`;
    for (const n of nodes) n.output = (n.output ?? []).map((o) => (o === outputName ? inner : o));
    for (const n of nodes) n.input = (n.input ?? []).map((i) => (i === outputName ? inner : i));
    nodes.push(makeNode('Cast', [inner], [outputName], 'mc_output_cast', [attrInt('to', DT.FLOAT)]));
    const info = (graph.output ?? []).find((v) => v.name === outputName);
    if (info?.type?.tensorType) info.type.tensorType.elemType = DT.FLOAT;
  }
  graph.node = nodes;
  return model;
}

/**
 * Masks are fed as float32; where the masked tensor has another dtype (ONNX Runtime refuses a
 * Mul of float16 by float32), the mask input is cast to it inside `graph` first.
 */
export function castMasks(graph: Graph, masks: readonly { maskInput: string; elemType: number }[]): void {
  const nodes = graph.node ?? [];
  const casts: onnx.INodeProto[] = [];
  for (const { maskInput, elemType } of masks) {
    if (elemType === DT.FLOAT || elemType === 0) continue;
    const cast = `${maskInput}__as_tensor_dtype`;
    for (const n of nodes) n.input = (n.input ?? []).map((i) => (i === maskInput ? cast : i));
    casts.push(makeNode('Cast', [maskInput], [cast], `mc_mask_cast_${maskInput}`, [attrInt('to', elemType)]));
  }
  graph.node = [...casts, ...nodes];
}
