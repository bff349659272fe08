/**
 * Folds the scalar a tensor holds when it is a constant: an initializer or a Constant node,
 * through Identity, Cast, Reshape, Squeeze, Unsqueeze and Flatten (which keep a one-element
 * tensor's value; Cast converts it). Dropout ratios come this way from torch and other exporters.
 * Anything else is reported, not guessed: the tensor is a graph input (fed at run time) or is
 * computed by a node this does not evaluate.
 */
import { getAttribute, onnx, toNumber, type Graph } from '../onnx/model';

export type FoldedScalar =
  | { readonly value: number }
  | { readonly graphInput: string }
  | { readonly node: string; readonly op: string }
  | { readonly missing: string };

const DT = onnx.TensorProto.DataType;
const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Cast']);

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function bfloatToFloat(b: number): number {
  const f = new Float32Array(1);
  new Uint32Array(f.buffer)[0] = (b << 16) >>> 0;
  return f[0];
}

/** The first element of a tensor, read by its data type (undefined when empty or of another type). */
export function tensorFirstValue(t: onnx.ITensorProto): number | undefined {
  const type = t.dataType ?? 0;
  if (t.floatData && t.floatData.length > 0) return t.floatData[0];
  if (t.doubleData && t.doubleData.length > 0) return t.doubleData[0];
  if (t.int64Data && t.int64Data.length > 0) return toNumber(t.int64Data[0]);
  if (t.int32Data && t.int32Data.length > 0) {
    // float16 and bfloat16 keep their bits in int32_data (onnx.proto)
    const v = t.int32Data[0];
    return type === DT.FLOAT16 ? halfToFloat(v) : type === DT.BFLOAT16 ? bfloatToFloat(v) : v;
  }
  const raw = t.rawData;
  if (!raw || raw.length === 0) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type) {
    case DT.FLOAT: return view.getFloat32(0, true);
    case DT.DOUBLE: return view.getFloat64(0, true);
    case DT.FLOAT16: return halfToFloat(view.getUint16(0, true));
    case DT.BFLOAT16: return bfloatToFloat(view.getUint16(0, true));
    case DT.INT64: return Number(view.getBigInt64(0, true));
    case DT.INT32: return view.getInt32(0, true);
    case DT.INT8: return view.getInt8(0);
    case DT.UINT8: case DT.BOOL: return raw[0];
    default: return undefined;
  }
}

function castTo(value: number, to: number): number {
  switch (to) {
    case DT.FLOAT: return Math.fround(value);
    case DT.BOOL: return value !== 0 ? 1 : 0;
    case DT.INT8: case DT.INT16: case DT.INT32: case DT.INT64:
    case DT.UINT8: case DT.UINT16: case DT.UINT32: case DT.UINT64: return Math.trunc(value);
    default: return value; // double, float16, bfloat16: close enough for a rate
  }
}

function constantValue(node: onnx.INodeProto): number | undefined {
  const t = getAttribute(node, 'value')?.t;
  if (t) return tensorFirstValue(t);
  const f = getAttribute(node, 'value_float');
  if (f) return f.f ?? 0;
  const i = getAttribute(node, 'value_int');
  if (i) return toNumber(i.i);
  return undefined;
}

/** Folds `name` in `graph` (see the module comment); a chain longer than 64 nodes is not followed. */
export function foldScalar(graph: Graph, name: string): FoldedScalar {
  const producers = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const o of node.output ?? []) producers.set(o, node);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const inputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
  const casts: number[] = [];
  let current = name;
  for (let depth = 0; depth < 64; depth++) {
    const init = initializers.get(current);
    let value: number | undefined;
    if (init) {
      value = tensorFirstValue(init);
      if (value === undefined) return { node: `initializer ${current}`, op: `data type ${init.dataType}` };
    } else if (inputs.has(current)) {
      return { graphInput: current };
    } else {
      const node = producers.get(current);
      if (!node) return { missing: current };
      const op = node.opType ?? '';
      if (op === 'Constant' && (node.domain ?? '') === '') {
        value = constantValue(node);
        if (value === undefined) return { node: node.name || current, op };
      } else if (PASS_THROUGH.has(op) && (node.domain ?? '') === '') {
        if (op === 'Cast') casts.push(toNumber(getAttribute(node, 'to')?.i));
        current = (node.input ?? [])[0] ?? '';
        continue;
      } else {
        return { node: node.name || current, op: op || '?' };
      }
    }
    // apply the casts from the constant outwards
    for (let k = casts.length - 1; k >= 0; k--) value = castTo(value, casts[k]);
    return { value };
  }
  return { node: current, op: 'a chain of more than 64 nodes' };
}
