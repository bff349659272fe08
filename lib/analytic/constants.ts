/** The constant tensors the moment rules read: weights, BatchNorm parameters, Resize scales. */
import { getAttribute, onnx, toNumber, type Graph } from '../onnx/model';

const DT = onnx.TensorProto.DataType;

/** The tensor held by an initializer or a Constant node (through Identity), or undefined when computed. */
export function constantTensor(graph: Graph, name: string): onnx.ITensorProto | undefined {
  const init = (graph.initializer ?? []).find((t) => t.name === name);
  if (init) return init;
  const node = (graph.node ?? []).find((n) => (n.output ?? []).includes(name));
  if (!node) return undefined;
  if (node.opType === 'Identity') return constantTensor(graph, (node.input ?? [])[0]);
  if (node.opType === 'Constant') return getAttribute(node, 'value')?.t ?? undefined;
  return undefined;
}

/** The values of a float32 or int64 tensor as numbers; undefined for other element types. */
export function tensorNumbers(t: onnx.ITensorProto): Float64Array | undefined {
  const count = (t.dims ?? []).reduce<number>((a, d) => a * toNumber(d), 1);
  if (t.dataType === DT.FLOAT) {
    if (t.floatData && t.floatData.length > 0) return Float64Array.from(t.floatData);
    const raw = t.rawData;
    if (!raw) return count === 0 ? new Float64Array(0) : undefined;
    const copy = new Uint8Array(raw); // aligned copy: raw data may start at any byte
    return Float64Array.from(new Float32Array(copy.buffer, 0, count));
  }
  if (t.dataType === DT.INT64) {
    if (t.int64Data && t.int64Data.length > 0) return Float64Array.from(t.int64Data.map((v) => toNumber(v)));
    const raw = t.rawData;
    if (!raw) return count === 0 ? new Float64Array(0) : undefined;
    const copy = new Uint8Array(raw);
    return Float64Array.from(new BigInt64Array(copy.buffer, 0, count), (v) => Number(v));
  }
  return undefined;
}

/** The dims of a tensor proto as numbers. */
export function tensorDims(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map((d) => toNumber(d));
}
