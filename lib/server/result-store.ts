/**
 * Recent results in memory, by random id (never a name or a path from the request): a
 * least-recently-used map bounded by a count and by bytes.
 */
import { randomBytes } from 'crypto';
import type { SegmentResponse } from './types';

/** Model-resolution maps kept for the pixel endpoint. */
export interface StoredMaps {
  readonly width: number;
  readonly height: number;
  readonly numClasses: number;
  /** class-major [C, H, W] */
  readonly meanProbs: Float32Array;
  readonly entropy: Float32Array;
  readonly mutualInformation: Float32Array;
  readonly variance: Float32Array;
}

/** PNG names a result serves under /api/result/ID/NAME.png. */
export const MAP_NAMES = ['classes', 'entropy', 'mutual-information', 'variance', 'overlay'] as const;
export type MapName = typeof MAP_NAMES[number];

export interface StoredResult {
  readonly response: SegmentResponse;
  readonly pngs: Readonly<Record<MapName, Buffer>>;
  readonly maps: StoredMaps;
  /** serve --conformal: the set-size map (served as set-size.png) */
  readonly setSizePng?: Buffer;
}

/** 16 random bytes, base64url: 22 characters of [A-Za-z0-9_-]. */
export function newResultId(): string {
  return randomBytes(16).toString('base64url');
}

export const RESULT_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function storedBytes(r: StoredResult): number {
  let n = 2048 + JSON.stringify(r.response).length;
  for (const name of MAP_NAMES) n += r.pngs[name].byteLength;
  n += r.setSizePng?.byteLength ?? 0;
  const m = r.maps;
  return n + m.meanProbs.byteLength + m.entropy.byteLength + m.mutualInformation.byteLength + m.variance.byteLength;
}

export class ResultStore {
  private readonly entries = new Map<string, { result: StoredResult; bytes: number }>();
  private total = 0;

  constructor(private readonly maxResults: number, private readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.total;
  }

  /** Stores under its response's id, evicting the least recently used beyond the limits (never the new one). */
  put(result: StoredResult): void {
    const id = result.response.id;
    this.delete(id);
    const bytes = storedBytes(result);
    this.entries.set(id, { result, bytes });
    this.total += bytes;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxResults && this.total <= this.maxBytes) break;
      if (key !== id) this.delete(key);
    }
  }

  /** The result, marked most recently used; undefined for unknown or evicted ids. */
  get(id: string): StoredResult | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    this.entries.delete(id);
    this.entries.set(id, e);
    return e.result;
  }

  delete(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.total -= e.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
