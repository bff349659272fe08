/**
 * `segnet-uq serve`: an HTTP server on node:http for the web demo. One worker thread owns the
 * model and runs every job (lib/server/session-host.ts), so this thread stays free to answer;
 * the queue bounds the work; any error becomes a JSON answer and the server goes on serving.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { encodePng } from '../image';
import { renderColorBar } from '../report/image-outputs';
import type { SegmenterOptions } from '../engine/segmenter';
import type { App, ServeEvent } from './app';
import { ClientGoneError, HttpError, sendError } from './http-error';
import { isLoopback, resolveServeOptions, ServeOptions } from './options';
import { loadPage } from './page';
import { ProgressRegistry } from './progress';
import { WorkQueue } from './queue';
import { ResultStore } from './result-store';
import { SessionHost } from './session-host';
import { checkServedConformal } from './conformal';
import { readConformalFile } from '../conformal/file';
import { Gallery } from './gallery';
import { resolveModel } from '../model/card';
import { UploadGate } from './upload-gate';
import { findRoute } from './routes';
import { discardBody, drainBody } from './upload';

export interface RunningServer {
  /** http://HOST:PORT/ */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly app: App;
  /** Stops listening, cuts open connections and releases the model. */
  close(): Promise<void>;
}

/** Host names a loopback-bound server answers to (a DNS-rebinding guard). */
function hostAllowed(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0];
  return isLoopback(name.toLowerCase());
}

async function dispatch(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let path = '?';
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    path = url.pathname;
    if (isLoopback(app.options.host) && !hostAllowed(req.headers.host)) {
      throw new HttpError(403, `this server only answers requests addressed to localhost or 127.0.0.1, got Host '${req.headers.host ?? ''}'`);
    }
    let found;
    try {
      found = findRoute(req.method ?? 'GET', url.pathname);
    } catch (err) {
      if (err instanceof URIError) throw new HttpError(400, `malformed URL escape in ${url.pathname}`);
      throw err;
    }
    await found.route.handle({ app, req, res, url, params: found.params });
  } catch (err) {
    if (err instanceof ClientGoneError) {
      app.emit({ type: 'cancelled', path });
      if (!res.writableEnded) res.destroy();
      return;
    }
    if (err instanceof HttpError) app.emit({ type: 'rejected', status: err.status, path, message: err.message });
    else app.emit({ type: 'internal-error', path, message: err instanceof Error ? err.message : String(err) });
    // 413, 408 and a full upload gate answer a body that is too big, too slow or not to be read:
    // answer now and cut it off (they say Connection: close). Any other early answer waits for
    // the (bounded) body so the client can read it.
    const cutOff = err instanceof HttpError && err.headers.Connection === 'close';
    if (!cutOff && !req.complete) await drainBody(req, app.options.maxUpload + 1024 * 1024, 5000);
    sendError(res, err);
    if (!req.complete) discardBody(req, app.options.maxUpload * 2 + 1024 * 1024);
  }
}

/** Loads the model, then listens; resolves once the port is bound. */
export async function startServer(options: ServeOptions & { onEvent?: (event: ServeEvent) => void } = {}): Promise<RunningServer> {
  const o = resolveServeOptions(options);
  const page = loadPage(); // before the model loads: a missing build fails at once
  const conformal = options.conformal === undefined ? null : readConformalFile(options.conformal, { flag: '--conformal' });
  const gallery = options.gallery === undefined ? null : Gallery.open(options.gallery, o.maxUpload, o.maxPixels);
  const { onEvent, ...rest } = options;
  const segmenterOptions: SegmenterOptions = {
    model: rest.model, card: rest.card, device: rest.device, threads: rest.threads, batch: rest.batch, dropoutRate: rest.dropoutRate,
    dropoutAt: rest.dropoutAt, dropout: rest.dropout, strict: rest.strict, temperature: rest.temperature, maxPixels: o.maxPixels,
    maxMemory: rest.maxMemory,
  };
  const engine = await SessionHost.start(segmenterOptions);
  if (conformal) {
    try {
      checkServedConformal(conformal, engine.info, resolveModel(rest.model, rest.card).modelPath, rest.temperature);
    } catch (err) {
      await engine.close();
      throw err;
    }
  }
  const app: App = {
    engine, card: engine.info.card, options: o,
    queue: new WorkQueue({ concurrency: o.concurrency, queue: o.queue }),
    uploads: new UploadGate(o.maxUploads, o.uploadTimeoutMs),
    store: new ResultStore(o.keepResults, o.keepBytes),
    progress: new ProgressRegistry(),
    tickets: new Map(),
    colorBarPng: encodePng(renderColorBar()),
    page,
    emit: onEvent ?? ((): void => undefined),
    conformal,
    gallery,
  };
  const server = createServer((req, res) => { void dispatch(app, req, res); });
  server.headersTimeout = 20_000;
  server.requestTimeout = o.uploadTimeoutMs + 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    await engine.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new RangeError(`--port ${o.port}: the address ${o.host}:${o.port} is already in use`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new RangeError(`--host ${o.host}: not an address of this machine`);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host.includes(':') && !o.host.startsWith('[') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    app.store.clear();
    // running jobs are cancelled and stop after their current chunk (never cut inside one)
    await engine.close();
  };
  return {
    url: `http://${shownHost}:${port}/`, port, server, app,
    // one close for a signal and a parent watch alike: a second call waits for the first
    close: () => (closing ??= close()),
  };
}
