/**
 * The plain ways of sampling that bench.ts compares segnet-uq's engine against: stock ONNX
 * Runtime on the exported model, one sample per run (b) or N samples as one batch (c), with
 * the aggregation in JavaScript, and the deterministic floor (e).
 */
import type { UncertaintyMaps } from '../lib/engine/types';
import { createSession, ort } from '../lib/engine/session';
import { finishMaps } from '../lib/engine/uncertainty-maps';
import { decodeModel, encodeModel, Graph, Model } from '../lib/onnx/model';

/** Streaming sums a user would keep in JavaScript: sum p, sum p^2, sum of entropies. */
export class JsAggregate {
  private count = 0;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly entropySum: Float64Array;
  private readonly probs: Float64Array;

  constructor(readonly classes: number, readonly width: number, readonly height: number) {
    const n = classes * width * height;
    this.sum = new Float64Array(n);
    this.sumSq = new Float64Array(n);
    this.entropySum = new Float64Array(width * height);
    this.probs = new Float64Array(classes);
  }

  /** Adds one sample's logits, class-major [C, H, W] starting at `offset`. */
  add(logits: Float32Array, offset = 0): void {
    const C = this.classes, P = this.width * this.height, p = this.probs;
    const sum = this.sum, sumSq = this.sumSq, ent = this.entropySum;
    for (let px = 0; px < P; px++) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) { const v = logits[offset + c * P + px]; if (v > max) max = v; }
      let z = 0;
      for (let c = 0; c < C; c++) z += (p[c] = Math.exp(logits[offset + c * P + px] - max));
      let h = 0;
      for (let c = 0; c < C; c++) {
        const q = p[c] / z;
        const i = c * P + px;
        sum[i] += q;
        sumSq[i] += q * q;
        if (q > 0) h -= q * Math.log(q);
      }
      ent[px] += h;
    }
    this.count++;
  }

  finish(): UncertaintyMaps {
    const n = this.count;
    const mean = new Float64Array(this.sum.length), m2 = new Float64Array(this.sum.length);
    for (let i = 0; i < mean.length; i++) {
      mean[i] = this.sum[i] / n;
      m2[i] = Math.max(0, this.sumSq[i] - n * mean[i] * mean[i]);
    }
    // no argmax counts here: the maps come without a variation ratio
    return finishMaps({ count: n, mean, m2, entropySum: this.entropySum, votes: new Float64Array(0), voted: 0 }, this.classes, this.width, this.height, n);
  }
}

/** A copy of `source` whose image input (and outputs) declare batch `batch` instead of 1. */
export function withBatch(source: Uint8Array, batch: number): Uint8Array {
  const model: Model = decodeModel(source);
  const graph = model.graph as Graph;
  for (const info of [...(graph.input ?? []).slice(0, 1), ...(graph.output ?? [])]) {
    const dim = info.type?.tensorType?.shape?.dim;
    if (dim && dim.length > 0) dim[0] = { dimValue: batch };
  }
  // Shapes the exporter recorded for intermediate tensors say batch 1: drop them.
  graph.valueInfo = [];
  return encodeModel(model);
}

export interface PlainModel {
  readonly inputName: string;
  readonly dims: readonly number[];
  readonly session: ort.InferenceSession;
}

export async function plainSession(bytes: Uint8Array, optimization: 'disabled' | 'all', dims: readonly number[]): Promise<PlainModel> {
  const session = await createSession(bytes, { optimization });
  return { inputName: session.inputNames[0], dims, session };
}

/** (b): N runs of the stock model at 'disabled', softmax and moments in JavaScript. */
export async function plainRuns(m: PlainModel, input: Float32Array, n: number): Promise<UncertaintyMaps> {
  const feeds = { [m.inputName]: new ort.Tensor('float32', input, m.dims.slice()) };
  let agg: JsAggregate | null = null;
  for (let s = 0; s < n; s++) {
    const out = (await m.session.run(feeds))[m.session.outputNames[0]];
    agg ??= new JsAggregate(out.dims[1], out.dims[3], out.dims[2]);
    agg.add(out.data as Float32Array);
  }
  return (agg as JsAggregate).finish();
}

/** (c): one run of the batch-N copy at 'disabled' with N copies of the image. */
export async function batchRun(m: PlainModel, input: Float32Array, n: number): Promise<UncertaintyMaps> {
  const batch = new Float32Array(input.length * n);
  for (let s = 0; s < n; s++) batch.set(input, s * input.length);
  const out = (await m.session.run({ [m.inputName]: new ort.Tensor('float32', batch, [n, ...m.dims.slice(1)]) }))[m.session.outputNames[0]];
  const [, C, H, W] = out.dims;
  const agg = new JsAggregate(C, W, H);
  const data = out.data as Float32Array;
  for (let s = 0; s < n; s++) agg.add(data, s * C * H * W);
  return agg.finish();
}

/** (e): N runs of the deterministic model at 'all' (ORT deletes the dropouts), outputs unread. */
export async function floorRuns(m: PlainModel, input: Float32Array, n: number): Promise<void> {
  const feeds = { [m.inputName]: new ort.Tensor('float32', input, m.dims.slice()) };
  for (let s = 0; s < n; s++) await m.session.run(feeds);
}
