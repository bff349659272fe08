/** Errors that carry an HTTP status, and the JSON responses every route sends. */
import type { ServerResponse } from 'http';

/** An error with the status and extra headers its JSON answer gets; the message is shown to the user. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The client went away (or a newer request replaced it): nothing is sent. */
export class ClientGoneError extends Error {
  constructor(message = 'the client disconnected') {
    super(message);
    this.name = 'ClientGoneError';
  }
}

/**
 * Query parameter `name` read by `parse` (a parser of lib/validate.ts, or one built on them): its
 * RangeError becomes a 400 naming the query (`query 'x' must be ...`). Absent or empty, it is
 * `fallback` where one is given.
 */
export function queryParam<T>(query: URLSearchParams, name: string, parse: (name: string, text: string) => T, fallback?: T): T {
  const raw = query.get(name);
  if ((raw === null || raw === '') && fallback !== undefined) return fallback;
  try {
    return parse(`query '${name}'`, raw ?? '');
  } catch (err) {
    throw err instanceof RangeError ? new HttpError(400, err.message) : err;
  }
}

/** Headers on every answer: no MIME sniffing by the browser, no framing. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)), ...headers,
  });
  res.end(text);
}

/** `{error: message}` with the error's status (500 for anything that is not an HttpError). */
export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: err.message }, err.headers);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(res, 500, { error: `internal error: ${message}` });
}

export function sendBytes(res: ServerResponse, contentType: string, bytes: Uint8Array, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': contentType, 'Content-Length': String(bytes.byteLength), ...headers });
  res.end(bytes);
}
