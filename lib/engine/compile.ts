/**
 * Compiles a user's ONNX segmentation model into the MC engine's two graphs: the deterministic
 * prefix (run once per image) and the stochastic suffix with masks as inputs and the chunk
 * aggregation appended. One deterministic probe run reads every tensor shape the masks need.
 */
import { peakActivationBytes, tensorBytes } from './memory-estimate';
import { appendAggregation } from '../graph/aggregate';
import { expandBoundaryForBatch } from '../graph/expand-boundary';
import { DropoutPoint, findSubgraphDropouts, removeDropouts, rewriteDropouts, RewriteOptions } from '../graph/dropout-rewrite';
import { castMasks, floatBoundary } from '../graph/float-boundary';
import { splitAtMasks } from '../graph/split';
import { cloneModel, declaredShape, decodeModel, encodeModel, Graph, Model, ModelError, onnx, valueInfo } from '../onnx/model';
import { createSession, ort, SessionOptions } from './session';

export interface CompileOptions extends RewriteOptions, SessionOptions {
  /** graph input fed with the image [default: the first non-initializer input] */
  readonly inputName?: string;
  /** class-score output [default: the first output] */
  readonly outputName?: string;
  /** [1, 3, H, W] the image tensor's shape */
  readonly inputDims: readonly number[];
  readonly outputKind: 'logits' | 'probabilities';
  /** softmax temperature [default: 1] */
  readonly temperature?: number;
  /** whether chunks of more than one sample will be run (adds batch expansion) [default: true] */
  readonly batching?: boolean;
  /** file name for error messages */
  readonly file?: string;
  /** 'off' compiles the deterministic model with every dropout removed (weight averaging),
   *  the baseline MC dropout is compared with [default: DEFAULT_DROPOUT] */
  readonly dropout?: 'mc' | 'off';
}

export interface CompiledPoint extends DropoutPoint {
  /** dims of the masked tensor for one sample, batch dim included (= 1) */
  readonly dims: readonly number[];
  /** elements per sample */
  readonly size: number;
}

export interface CompiledModel {
  readonly inputName: string;
  readonly inputDims: readonly number[];
  readonly points: readonly CompiledPoint[];
  /** null when no dropout precedes the output: then `suffix` is the whole model, deterministic */
  readonly prefix: Uint8Array | null;
  readonly suffix: Uint8Array;
  readonly boundary: readonly string[];
  readonly suffixGraphInputs: readonly string[];
  readonly deterministic: boolean;
  readonly prefixNodeCount: number;
  readonly suffixNodeCount: number;
  /** estimated peak activation bytes of one sample in the suffix (0 when not estimated) */
  readonly suffixBytesPerSample?: number;
  /**
   * The rewritten model unsplit, masks for one sample as inputs, with the aggregation appended:
   * N=1 as one session run (lib/engine/single-pass.ts); null for a deterministic model. Built
   * on first use (it is a second copy of the weights).
   */
  readonly single: (() => Uint8Array) | null;
}

function pickInput(graph: Graph, name: string | undefined, file: string): string {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  // a dropout ratio or training_mode fed at run time is not an image (rewriteDropouts says what to do)
  const consumers = new Map<string, boolean>();
  for (const n of graph.node ?? []) {
    (n.input ?? []).forEach((t, k) => consumers.set(t, (consumers.get(t) ?? true) && n.opType === 'Dropout' && k > 0));
  }
  const inputs = (graph.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n) && consumers.get(n) !== true);
  if (name !== undefined) {
    if (!inputs.includes(name)) throw new ModelError(file, `no graph input named '${name}' (inputs: ${inputs.join(', ')})`);
    return name;
  }
  if (inputs.length !== 1) throw new ModelError(file, `expected one image input, found ${inputs.length}: ${inputs.join(', ')}; name it in the model card`);
  return inputs[0];
}

/** Runs `model` once on zeros with extra outputs and returns their dims and element types. */
export async function probeTensors(model: Model, inputName: string, inputDims: readonly number[], tensors: readonly string[],
  options: SessionOptions): Promise<Map<string, { dims: number[]; type: string }>> {
  const probe = cloneModel(model);
  const graph = probe.graph as Graph;
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  for (const t of tensors) if (!existing.has(t)) graph.output = [...(graph.output ?? []), { name: t }];
  const session = await createSession(encodeModel(probe), { ...options, device: 'cpu' });
  const size = inputDims.reduce((a, b) => a * b, 1);
  const out = await session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(size), inputDims.slice()) }, tensors.slice());
  const result = new Map<string, { dims: number[]; type: string }>();
  for (const t of tensors) result.set(t, { dims: out[t].dims.slice(), type: out[t].type });
  await session.release();
  return result;
}

const ORT_TO_ONNX: Record<string, number> = {
  float32: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64, int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL, uint8: onnx.TensorProto.DataType.UINT8, float16: onnx.TensorProto.DataType.FLOAT16,
  int8: onnx.TensorProto.DataType.INT8, float64: onnx.TensorProto.DataType.DOUBLE, bfloat16: onnx.TensorProto.DataType.BFLOAT16,
};

/** The lazily built CompiledModel.single of the rewritten model's bytes. */
function singlePassGraph(rewritten: Uint8Array, outputName: string, points: readonly CompiledPoint[], options: CompileOptions): () => Uint8Array {
  let bytes: Uint8Array | null = null;
  return () => {
    if (bytes) return bytes;
    const model = decodeModel(rewritten);
    const g = model.graph as Graph;
    g.output = (g.output ?? []).filter((o) => o.name === outputName);
    const masks = new Map(points.map((p) => [p.maskInput, p]));
    g.input = (g.input ?? []).map((i) => {
      const p = masks.get(i.name ?? '');
      return p ? valueInfo(p.maskInput, onnx.TensorProto.DataType.FLOAT, p.dims.slice()) : i;
    });
    appendAggregation(model, { output: outputName, outputKind: options.outputKind, temperature: options.temperature, singleSample: true });
    bytes = encodeModel(model);
    return bytes;
  };
}

export async function compileModel(source: Model, options: CompileOptions): Promise<CompiledModel> {
  const file = options.file ?? '<model>';
  const graph = source.graph as Graph;
  const inputName = pickInput(graph, options.inputName, file);
  const declared = declaredShape((graph.input ?? []).find((i) => i.name === inputName) as onnx.IValueInfoProto);
  if (declared.dims.length !== options.inputDims.length) {
    throw new ModelError(file, `input '${inputName}' has rank ${declared.dims.length}, expected ${options.inputDims.length} (N, C, H, W)`);
  }
  declared.dims.forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && d !== options.inputDims[i]) {
      throw new ModelError(file, `input '${inputName}' expects dims [${declared.dims.join(', ')}], the model card gives [${options.inputDims.join(', ')}]`);
    }
  });
  const outputName = options.outputName ?? (graph.output ?? [])[0]?.name ?? '';
  if (!(graph.output ?? []).some((o) => o.name === outputName)) throw new ModelError(file, `no graph output named '${outputName}'`);
  const nested = findSubgraphDropouts(graph);
  if (nested.length > 0) {
    throw new ModelError(file, `Dropout node ${nested[0].node} is inside the ${nested[0].attribute} subgraph of ${nested[0].parent}`
      + `${nested.length > 1 ? ` (and ${nested.length - 1} more)` : ''}: MC sampling rewrites dropouts of the main graph only; export the model with the dropout outside If/Loop/Scan`);
  }
  source = floatBoundary(source, inputName, outputName);
  if (options.dropout === 'off') source = removeDropouts(source);
  const { model: rewritten, points } = rewriteDropouts(source, options.dropout === 'off' ? {} : options);
  const masks = points.map((p) => p.maskInput);
  // encoded before the split: the batch expansion renames inputs of nodes the two graphs share
  const rewrittenBytes = options.dropout === 'off' || points.length === 0 ? null : encodeModel(rewritten);
  const split = splitAtMasks(rewritten, masks);
  // probed with dropout off: the same tensors, and no ratio input to feed; the suffix's
  // activations too, for the memory estimate per sample (lib/engine/memory-estimate.ts)
  const probeModel = removeDropouts(source);
  const produced = new Set(((probeModel.graph as Graph).node ?? []).flatMap((n) => n.output ?? []));
  const activations = split.suffixNodes.flatMap((n) => n.output ?? []).filter((t) => produced.has(t));
  const probed = await probeTensors(probeModel, inputName, options.inputDims,
    [...new Set([...points.map((p) => p.tensor), ...split.boundary, outputName, ...activations])], options);
  const probedBytes = (t: string): number | undefined => { const p = probed.get(t); return p ? tensorBytes(p) : undefined; };
  const out = probed.get(outputName) as { dims: number[] };
  if (out.dims.length !== 4 || out.dims[0] !== 1) {
    throw new ModelError(file, `output '${outputName}' has dims [${out.dims.join(', ')}]; expected class scores [1, C, H, W]`);
  }
  const compiledPoints = points.map((p) => {
    const dims = (probed.get(p.tensor) as { dims: number[] }).dims;
    if (dims[0] !== 1) throw new ModelError(file, `dropout tensor '${p.tensor}' has batch ${dims[0]}; expected 1`);
    return { ...p, dims, size: dims.reduce((a, b) => a * b, 1) };
  });
  if (!split.suffix) {
    const whole = cloneModel(source);
    (whole.graph as Graph).output = (whole.graph as Graph).output?.filter((o) => o.name === outputName);
    appendAggregation(whole, { output: outputName, outputKind: options.outputKind, temperature: options.temperature });
    return { inputName, inputDims: options.inputDims, points: compiledPoints, prefix: null, suffix: encodeModel(whole),
      boundary: [], suffixGraphInputs: [inputName], deterministic: true, prefixNodeCount: 0, suffixNodeCount: graph.node?.length ?? 0, single: null };
  }
  const suffix = split.suffix;
  const sg = suffix.graph as Graph;
  sg.output = (sg.output ?? []).filter((o) => o.name === outputName);
  const typeOf = (t: string): number => ORT_TO_ONNX[(probed.get(t) as { type: string }).type] ?? onnx.TensorProto.DataType.FLOAT;
  sg.input = [
    ...split.boundary.map((t) => valueInfo(t, typeOf(t), (probed.get(t) as { dims: number[] }).dims)),
    ...(sg.input ?? []).filter((i) => split.suffixGraphInputs.includes(i.name ?? '')),
    ...compiledPoints.map((p) => valueInfo(p.maskInput, onnx.TensorProto.DataType.FLOAT, ['K', ...p.dims.slice(1)])),
  ];
  castMasks(sg, compiledPoints.map((p) => ({ maskInput: p.maskInput, elemType: typeOf(p.tensor) })));
  if (options.batching !== false && compiledPoints.length > 0) {
    const ranks = new Map(split.boundary.map((t) => [t, (probed.get(t) as { dims: number[] }).dims.length]));
    const types = new Map(split.boundary.map((t) => [t, typeOf(t)]));
    // The image itself reaches the suffix with batch 1 too when the suffix reads it directly
    // (a dropout on the image with a skip from the image): it needs the same expansion.
    for (const t of split.suffixGraphInputs) {
      ranks.set(t, options.inputDims.length);
      types.set(t, onnx.TensorProto.DataType.FLOAT);
    }
    expandBoundaryForBatch(suffix, [...split.boundary, ...split.suffixGraphInputs], ranks, types, compiledPoints[0].maskInput);
  }
  appendAggregation(suffix, { output: outputName, outputKind: options.outputKind, temperature: options.temperature });
  return {
    inputName,
    inputDims: options.inputDims,
    points: compiledPoints,
    prefix: split.prefix ? encodeModel(split.prefix) : null,
    suffix: encodeModel(suffix),
    boundary: split.boundary,
    suffixGraphInputs: split.suffixGraphInputs,
    deterministic: false,
    prefixNodeCount: split.prefixNodes.length,
    suffixNodeCount: split.suffixNodes.length,
    suffixBytesPerSample: peakActivationBytes(split.suffixNodes, probedBytes, new Set([outputName])),
    single: rewrittenBytes ? singlePassGraph(rewrittenBytes, outputName, compiledPoints, options) : null,
  };
}

