/**
 * Messages between the server's main thread (session-host.ts) and its session worker
 * (session-worker.ts), and how errors and results cross the thread boundary: errors as plain
 * objects rebuilt into HttpError / ClientGoneError, results with their large buffers moved
 * (transferred) rather than copied where a buffer is not shared with anything else.
 */
import type { ModelCard } from '../model/types';
import { ClientGoneError, HttpError } from './http-error';
import type { ProgressState, ConformalJob } from './types';
import { MAP_NAMES, StoredResult } from './result-store';
import type { SampleCount } from '../engine/convergence';

/** What the routes read of the model once the worker has loaded it. */
export interface ModelInfo {
  readonly card: ModelCard;
  readonly deterministic: boolean;
  readonly dropoutPoints: readonly { tensor: string; rate: number }[];
  readonly warnings: readonly string[];
}

export interface JobMessage {
  readonly type: 'job';
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly samples: SampleCount;
  readonly seed: number;
  readonly queueMs: number;
  readonly displayMaxSide: number;
  /** Int32Array(1) over it: non-zero once the client has gone */
  readonly cancel: SharedArrayBuffer;
  readonly conformal?: ConformalJob;
}

export type ToWorker = JobMessage | { readonly type: 'close' };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly status?: number;
  readonly headers?: Record<string, string>;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly info: ModelInfo }
  | { readonly type: 'start-failed'; readonly error: SerializedError }
  | { readonly type: 'progress'; readonly id: number; readonly state: ProgressState }
  | { readonly type: 'done'; readonly id: number; readonly stored: StoredResult }
  | { readonly type: 'failed'; readonly id: number; readonly error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof HttpError) return { name: err.name, message: err.message, status: err.status, headers: { ...err.headers } };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

export function deserializeError(e: SerializedError): Error {
  if (e.status !== undefined) return new HttpError(e.status, e.message, e.headers ?? {});
  if (e.name === 'ClientGoneError') return new ClientGoneError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/** The buffers of a result that own their whole ArrayBuffer (never a slice of Node's pool). */
export function transferablesOf(stored: StoredResult): ArrayBuffer[] {
  const views: ArrayBufferView[] = [...MAP_NAMES.map((n) => stored.pngs[n]), ...(stored.setSizePng ? [stored.setSizePng] : []), stored.maps.meanProbs, stored.maps.entropy,
    stored.maps.mutualInformation, stored.maps.variance];
  const seen = new Set<ArrayBufferLike>();
  const out: ArrayBuffer[] = [];
  for (const v of views) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength && !seen.has(b)) {
      seen.add(b);
      out.push(b);
    }
  }
  return out;
}

/** Structured cloning turns Buffers into plain Uint8Arrays: the routes send Buffers. */
export function reviveStored(stored: StoredResult): StoredResult {
  const pngs = Object.fromEntries(MAP_NAMES.map((n) => {
    const u = stored.pngs[n] as Uint8Array;
    return [n, Buffer.from(u.buffer, u.byteOffset, u.byteLength)];
  })) as unknown as StoredResult['pngs'];
  const s = stored.setSizePng as Uint8Array | undefined;
  return { ...stored, pngs, ...(s ? { setSizePng: Buffer.from(s.buffer, s.byteOffset, s.byteLength) } : {}) };
}
