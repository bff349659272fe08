/**
 * Request bodies: read into memory up to a byte limit (413 beyond it, checked against
 * Content-Length first and against the bytes that actually arrive), within a time limit and
 * above a rate floor once a grace period is over (408 for either), then sniffed by their magic bytes (the name and Content-Type are never trusted).
 */
import type { IncomingMessage } from 'http';
import { DECODED_FORMATS, readPhotoHeader, type PhotoHeader } from '../image';
import { SERVE_DEFAULTS } from '../defaults';
import { ClientGoneError, HttpError } from './http-error';

/**
 * Content types an upload may declare: those of every decoded format (the commands' one list), and
 * octet-stream. A cross-site form cannot send these without a CORS preflight.
 */
export const UPLOAD_TYPES: readonly string[] = [...DECODED_FORMATS.map((f) => f.mime), 'image/jpg', 'application/octet-stream'];

export interface ReadBodyOptions {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** [0: none] after `graceMs`, the body must have arrived at this average rate (bytes/s) so far */
  readonly minBytesPerSecond?: number;
  /** [SERVE_DEFAULTS.uploadGraceMs] how long a body may arrive at any rate */
  readonly graceMs?: number;
  /** aborts the read (the client went away) */
  readonly signal?: AbortSignal;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}

function tooLarge(maxBytes: number, what: string): HttpError {
  return new HttpError(413, `upload too large: ${what} exceeds the limit of ${formatBytes(maxBytes)} (--max-upload)`, { Connection: 'close' });
}

/** Checks the declared Content-Type (CSRF guard) and length before a byte is read. */
export function checkUploadHeaders(req: IncomingMessage, maxBytes: number): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!UPLOAD_TYPES.includes(type)) {
    throw new HttpError(415, `send the image bytes as the request body with Content-Type ${DECODED_FORMATS.map((f) => f.mime).join(', ')} or `
      + `application/octet-stream, got '${type || 'none'}'`);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes, `Content-Length ${declared}`);
}

/** The whole body, or an HttpError (408, 413) / ClientGoneError. */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const { maxBytes, timeoutMs, signal } = options;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(rate);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        chunks.length = 0;
        reject(err);
      } else {
        resolve(Buffer.concat(chunks, length));
      }
    };
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > maxBytes) finish(tooLarge(maxBytes, `a body of more than ${length} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish(null);
    const onError = (): void => finish(new ClientGoneError('the upload was cut off'));
    // aborted with an HttpError: the server released the upload (upload-gate.ts), not the client
    const onAbort = (): void => finish(signal?.reason instanceof HttpError ? signal.reason : new ClientGoneError());
    const timer = setTimeout(() => finish(new HttpError(408, `the upload did not arrive within ${timeoutMs / 1000} s`, { Connection: 'close' })), timeoutMs);
    const floor = options.minBytesPerSecond ?? 0;
    const graceMs = options.graceMs ?? SERVE_DEFAULTS.uploadGraceMs;
    const t0 = performance.now();
    const rate = floor > 0 ? setInterval(() => {
      const seconds = (performance.now() - t0) / 1000;
      if (seconds * 1000 < graceMs || length >= floor * seconds) return;
      finish(new HttpError(408, `the upload is too slow: ${formatBytes(length)} in ${seconds.toFixed(1)} s, below the floor of `
        + `${formatBytes(floor)}/s after ${graceMs / 1000} s`, { Connection: 'close' }));
    }, Math.min(250, graceMs)) : undefined;
    if (signal?.aborted) { onAbort(); return; }
    signal?.addEventListener('abort', onAbort);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * After an early answer (413, 408): discards what is left of the body so the client can read the
 * answer, and cuts the connection if more than `capBytes` keep coming.
 */
export function discardBody(req: IncomingMessage, capBytes: number): void {
  if (req.complete) return;
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > capBytes) req.socket.destroy();
  });
  req.resume();
}

/**
 * Before an early answer that does not depend on the body (503 busy, 4xx on the query): reads
 * and drops the body first, up to `capBytes` or `timeoutMs`. Answering while the client still
 * uploads makes Node close the connection under the client, which then sees a reset instead of
 * the answer (seen under load with 8 parallel clients).
 */
export function drainBody(req: IncomingMessage, capBytes: number, timeoutMs: number): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', done);
      req.off('error', done);
      req.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > capBytes) done();
    };
    const timer = setTimeout(done, timeoutMs);
    req.on('data', onData);
    req.on('end', done);
    req.on('error', done);
    req.on('close', done);
    req.resume();
  });
}

/** The image header from the bytes: 400 for anything the commands would not decode, 413 above the pixel limit. */
export async function sniffUpload(bytes: Uint8Array, maxPixels: number): Promise<PhotoHeader> {
  if (bytes.length === 0) throw new HttpError(400, 'empty body: send the image bytes as the request body');
  let header: PhotoHeader;
  try {
    header = await readPhotoHeader(bytes, 'upload');
  } catch (err) {
    throw new HttpError(400, `${(err as Error).message} (the content decides, not the file name)`);
  }
  if (header.width * header.height > maxPixels) {
    throw new HttpError(413, `image too large: ${header.width}x${header.height} = ${header.width * header.height} pixels `
      + `exceeds the limit of ${maxPixels} (--max-pixels)`);
  }
  return header;
}
