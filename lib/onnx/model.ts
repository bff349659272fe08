/**
 * ONNX protobuf access: decode, encode and small constructors for nodes, tensors and value
 * infos. Built on onnx-proto (protobufjs static code for onnx.proto).
 */
import { onnx } from 'onnx-proto';
import { FileError } from '../errors';
import { readUntrustedFile } from '../safe-read';

export { onnx };
export type Model = onnx.ModelProto;
export type Graph = onnx.IGraphProto;
export type Node = onnx.INodeProto;

/** A model that could not be read or does not fit its card: a FileError (`file`, `reason`) of its own name. */
export class ModelError extends FileError {
  override name = 'ModelError';
}

/** Decodes ONNX bytes; throws ModelError for anything that is not a model with a graph. */
/** Reads and decodes an .onnx file; ModelError names the file and the cause. */
export function readModel(file: string): { bytes: Uint8Array; model: Model } {
  const bytes = readUntrustedFile(file, { limit: 'model', error: ModelError, missing: 'model file not found' });
  return { bytes, model: decodeModel(bytes, file) };
}

export function decodeModel(bytes: Uint8Array, file = '<model>'): Model {
  if (bytes.length === 0) throw new ModelError(file, 'empty file, not an ONNX model');
  let model: Model;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelError(file, `not a valid ONNX model (${(err as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || !graph.node || graph.node.length === 0 || !graph.output || graph.output.length === 0) {
    throw new ModelError(file, 'not an ONNX model: no graph with nodes and outputs');
  }
  return model;
}

export function encodeModel(model: Model): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** Deep copy (through the wire format, which is exact). */
export function cloneModel(model: Model): Model {
  return onnx.ModelProto.decode(encodeModel(model));
}

/** The opset version of a domain ('' and 'ai.onnx' are the default domain); 0 when absent. */
export function opsetVersion(model: Model, domain = ''): number {
  for (const entry of model.opsetImport ?? []) {
    const d = entry.domain ?? '';
    if (d === domain || (domain === '' && d === 'ai.onnx')) return toNumber(entry.version);
  }
  return 0;
}

/** protobufjs decodes int64 as Long objects; model dims and versions fit in a double. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function getAttribute(node: Node, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function attrInt(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

export function attrInts(name: string, ints: readonly number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: ints.slice() };
}

export function makeNode(opType: string, inputs: readonly string[], outputs: readonly string[], name: string,
  attributes: onnx.IAttributeProto[] = []): Node {
  return { opType, input: inputs.slice(), output: outputs.slice(), name, attribute: attributes, domain: '' };
}

export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): onnx.ITensorProto {
  const data = Float32Array.from(values);
  return { name, dims: dims.slice(), dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): onnx.ITensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims: dims.slice(), dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

/** dims: numbers for fixed sizes, strings for symbolic ones. */
export function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Elem type and dims of a graph input or output as declared (symbolic dims as strings). */
export function declaredShape(info: onnx.IValueInfoProto): { elemType: number; dims: (number | string)[] } {
  const tt = info.type?.tensorType;
  const dims = (tt?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue) : '?'));
  return { elemType: tt?.elemType ?? 0, dims };
}

/** The node that writes `tensor`, skipping Identity. */
export function producerOf(graph: Graph, tensor: string): Node | undefined {
  const nodes = graph.node ?? [];
  let node = nodes.find((n) => (n.output ?? []).includes(tensor));
  while (node && node.opType === 'Identity') {
    const src = (node.input ?? [])[0];
    node = nodes.find((n) => (n.output ?? []).includes(src));
  }
  return node;
}
