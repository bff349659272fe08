/** Options of `segnet-uq serve`, their defaults (SERVE_DEFAULTS, lib/defaults.ts) filled in and checked, and sizes such as "20MB". */
import type { SegmenterOptions } from '../engine/segmenter';
import { LIMIT_DEFAULTS, SERVE_DEFAULTS } from '../defaults';
import { checkSampleCount } from '../engine/convergence';
import { checkInteger, checkMaxPixels, isIntegerIn } from '../validate';

/** Each option's default: SERVE_DEFAULTS (lib/defaults.ts). */
export interface ServeOptions extends SegmenterOptions {
  /** TCP port; 0 picks a free one */
  readonly port?: number;
  /** address to bind; anything but loopback exposes the server to the network */
  readonly host?: string;
  /** largest request body in bytes (413 above) */
  readonly maxUpload?: number;
  /** images segmented at the same time */
  readonly concurrency?: number;
  /** requests waiting beyond `concurrency` before answering 503 */
  readonly queue?: number;
  /** samples when a request names none */
  readonly samples?: number;
  /** most samples a request may ask for */
  readonly maxSamples?: number;
  /** results kept in memory (least recently used go first) */
  readonly keepResults?: number;
  /** memory the kept results may use */
  readonly keepBytes?: number;
  /** longest side of the rendered maps */
  readonly displayMaxSide?: number;
  /** an upload must arrive within this time (408 otherwise) */
  readonly uploadTimeoutMs?: number;
  /** uploads read at the same time (503 beyond); a queue place is taken only once a body is complete */
  readonly maxUploads?: number;
  /** bytes/s an upload must average once `uploadGraceMs` is over (408 otherwise) */
  readonly minUploadRate?: number;
  /** how long an upload may arrive at any rate */
  readonly uploadGraceMs?: number;
  /** a fitted conformal.json: answers with the request's samples and seed equal to the file's get prediction sets */
  readonly conformal?: string;
  /** a folder of images the page shows as a gallery (thumbnails; a click segments one) */
  readonly gallery?: string;
}

export type ResolvedServeOptions = Required<Pick<ServeOptions, 'port' | 'host' | 'maxUpload' | 'concurrency' | 'queue' | 'samples'
  | 'maxSamples' | 'keepResults' | 'keepBytes' | 'displayMaxSide' | 'uploadTimeoutMs' | 'maxPixels'
  | 'maxUploads' | 'minUploadRate' | 'uploadGraceMs'>>;

/** SERVE_DEFAULTS (lib/defaults.ts), checked here to name every resolved option */
const DEFAULTS: ResolvedServeOptions = SERVE_DEFAULTS;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A byte count as parseByteSize reads it back: "20MB" (the largest binary unit that divides it), else the count. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]] as const) if (bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

/** "20MB", "512k", "1.5 GiB" or a plain byte count to bytes (binary units). */
export function parseByteSize(flag: string, value: string | number): number {
  if (typeof value === 'number') {
    if (!isIntegerIn(value, 1)) throw new RangeError(`${flag} must be a positive byte count, got ${value}`);
    return value;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new RangeError(`${flag} must be a size such as 20MB, 512KB or 1048576, got '${value}'`);
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 1) throw new RangeError(`${flag} must be at least 1 byte, got '${value}'`);
  return bytes;
}

/** Defaults filled in and every number checked; errors name the option and the value. */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedServeOptions;
  checkInteger('--port', o.port, 0, 65535);
  if (typeof o.host !== 'string' || o.host.length === 0) throw new RangeError(`--host must be an address, got '${String(o.host)}'`);
  checkInteger('--max-upload', o.maxUpload, 1, 2 ** 31 - 1);
  checkInteger('--concurrency', o.concurrency, 1, 64);
  checkInteger('--queue', o.queue, 0, 1024);
  checkSampleCount('--max-samples', o.maxSamples, LIMIT_DEFAULTS.samplesLimit);
  checkSampleCount('--samples', o.samples, o.maxSamples);
  checkInteger('keepResults', o.keepResults, 1, 10000);
  checkInteger('keepBytes', o.keepBytes, 1, 2 ** 42);
  checkInteger('displayMaxSide', o.displayMaxSide, 16, 8192);
  checkInteger('uploadTimeoutMs', o.uploadTimeoutMs, 1, 3_600_000);
  checkMaxPixels('--max-pixels', o.maxPixels);
  checkInteger('maxUploads', o.maxUploads, 1, 4096);
  checkInteger('minUploadRate', o.minUploadRate, 0, 2 ** 31 - 1);
  checkInteger('uploadGraceMs', o.uploadGraceMs, 1, 3_600_000);
  return o;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
