/**
 * How much memory one MC sample of the suffix needs, estimated from the graph (issue 20: --batch
 * went to 4096 while memory grows by tens of MB per batch sample). The suffix's tensors at batch
 * 1 are sized by the compile probe; the nodes run in graph order, each output is allocated when
 * its node runs and freed after its last reader: the peak of that sum is the estimate per sample.
 * ONNX Runtime fuses and reuses buffers, so the real growth is lower (measured on the shipped
 * model: see /work/notes or bench notes); the estimate errs on the side of refusing.
 */
import type { Node } from '../onnx/model';

const BYTES: Record<string, number> = { float32: 4, int64: 8, int32: 4, bool: 1, uint8: 1, int8: 1, float16: 2, float64: 8 };

/** Bytes of a probed tensor (dims and ORT type name). */
export function tensorBytes(t: { dims: readonly number[]; type: string }): number {
  return t.dims.reduce((a, b) => a * b, 1) * (BYTES[t.type] ?? 4);
}

/**
 * Peak live bytes over `nodes` in order. A tensor of unknown size (made by the rewrite, e.g. a
 * masked activation) is taken as large as the node's largest known input.
 */
export function peakActivationBytes(nodes: readonly Node[], sizeOf: (tensor: string) => number | undefined, keep: ReadonlySet<string> = new Set()): number {
  const lastUse = new Map<string, number>();
  nodes.forEach((n, i) => { for (const t of n.input ?? []) if (t) lastUse.set(t, i); });
  const size = new Map<string, number>();
  let live = 0, peak = 0;
  nodes.forEach((n, i) => {
    const known = (n.input ?? []).map((t) => size.get(t) ?? sizeOf(t) ?? 0);
    const fallback = known.length ? Math.max(...known) : 0;
    for (const t of n.output ?? []) {
      if (!t) continue;
      const b = sizeOf(t) ?? fallback;
      size.set(t, b);
      live += b;
    }
    peak = Math.max(peak, live);
    for (const t of [...(n.input ?? []), ...(n.output ?? [])]) {
      if (size.has(t) && (lastUse.get(t) ?? -1) <= i && !keep.has(t)) {
        live -= size.get(t) as number;
        size.delete(t);
      }
    }
  });
  return peak;
}

/** [0.5] share of the machine's RAM a run may plan for when --max-memory is not given */
export const MEMORY_SHARE = 0.5;

/** Refuses a batch whose estimated suffix activations exceed `maxBytes`, giving the estimate. */
export function checkBatchMemory(batch: number, bytesPerSample: number, maxBytes: number): void {
  if (!(bytesPerSample > 0) || batch * bytesPerSample <= maxBytes) return;
  const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
  const fits = Math.max(1, Math.floor(maxBytes / bytesPerSample));
  throw new RangeError(`--batch ${batch}: the model's suffix needs about ${mb(bytesPerSample)} per sample (estimated from the graph), `
    + `${mb(batch * bytesPerSample)} for the batch, more than --max-memory ${mb(maxBytes)}; use --batch ${fits} or less, or raise --max-memory`);
}
