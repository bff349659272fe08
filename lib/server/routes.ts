/**
 * The routes: a table of method + path pattern -> handler. Every answer is JSON except the page,
 * the PNGs and the download; every error is `{error: message}` (lib/server/http-error.ts).
 */
import { randomBytes } from 'crypto';
import type { RouteContext } from './app';
import { HttpError, sendBytes, sendJson } from './http-error';
import { pixelAt } from './pixel';
import { JOB_TOKEN_PATTERN } from './progress';
import { MAP_NAMES, MapName, RESULT_ID_PATTERN, StoredResult } from './result-store';
import type { Gallery } from './gallery';
import { handleSegment } from './segment-route';
import { tarArchive } from './tar';
import type { ModelResponse } from './types';

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handle: (ctx: RouteContext) => void | Promise<void>;
}

const IMMUTABLE = { 'Cache-Control': 'private, max-age=3600, immutable' };

function storedResult(ctx: RouteContext): StoredResult {
  const id = ctx.params[0];
  const stored = RESULT_ID_PATTERN.test(id) ? ctx.app.store.get(id) : undefined;
  if (!stored) throw new HttpError(404, `no result '${id}' (results are kept in memory for the ${ctx.app.options.keepResults} most recent images)`);
  return stored;
}

function servePage(ctx: RouteContext): void {
  const nonce = randomBytes(16).toString('base64');
  const html = Buffer.from(ctx.app.page(nonce));
  sendBytes(ctx.res, 'text/html; charset=utf-8', html, {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; `
      + `img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
}

function serveModel(ctx: RouteContext): void {
  const { app } = ctx;
  const info = app.engine.info;
  const body: ModelResponse = {
    card: app.card,
    deterministic: info.deterministic,
    dropoutPoints: info.dropoutPoints,
    limits: {
      defaultSamples: app.options.samples, maxSamples: app.options.maxSamples, maxUpload: app.options.maxUpload,
      maxPixels: app.options.maxPixels, concurrency: app.options.concurrency, queue: app.options.queue,
    },
    warnings: info.warnings,
  };
  sendJson(ctx.res, 200, body);
}

function serveHealth(ctx: RouteContext): void {
  const { app } = ctx;
  sendJson(ctx.res, 200, { ok: true, model: app.card.name, queue: app.queue.stats(), results: app.store.size, resultBytes: app.store.bytes });
}

function serveProgress(ctx: RouteContext): void {
  const token = ctx.params[0];
  if (!JOB_TOKEN_PATTERN.test(token)) throw new HttpError(400, `job token must be 8 to 64 characters of [A-Za-z0-9_-], got '${token}'`);
  const state = ctx.app.progress.get(token);
  if (!state) throw new HttpError(404, `no request with job token '${token}' (yet)`);
  const ticket = ctx.app.tickets.get(token);
  sendJson(ctx.res, 200, state.state === 'queued' && ticket ? { ...state, position: ticket.position() } : state);
}

function serveMap(ctx: RouteContext): void {
  const stored = storedResult(ctx);
  const name = ctx.params[1] as MapName;
  if (ctx.params[1] === 'set-size' && stored.setSizePng) return sendBytes(ctx.res, 'image/png', stored.setSizePng, IMMUTABLE);
  if (!MAP_NAMES.includes(name)) throw new HttpError(404, `no map '${name}': maps are ${MAP_NAMES.join(', ')}`);
  sendBytes(ctx.res, 'image/png', stored.pngs[name], IMMUTABLE);
}

function serveDownload(ctx: RouteContext): void {
  const stored = storedResult(ctx);
  const id = stored.response.id;
  const entries = [
    { name: `segnet-uq-${id}/result.json`, data: Buffer.from(JSON.stringify(stored.response, null, 2) + '\n') },
    ...MAP_NAMES.map((name) => ({ name: `segnet-uq-${id}/${name}.png`, data: stored.pngs[name] })),
    ...(stored.setSizePng ? [{ name: `segnet-uq-${id}/set-size.png`, data: stored.setSizePng }] : []),
  ];
  sendBytes(ctx.res, 'application/x-tar', tarArchive(entries), {
    ...IMMUTABLE, 'Content-Disposition': `attachment; filename="segnet-uq-${id}.tar"`,
  });
}

function galleryOf(ctx: RouteContext): Gallery {
  if (!ctx.app.gallery) throw new HttpError(404, 'no gallery: start serve with --gallery DIR');
  return ctx.app.gallery;
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/$/, handle: servePage },
  { method: 'GET', pattern: /^\/healthz$/, handle: serveHealth },
  { method: 'GET', pattern: /^\/api\/model$/, handle: serveModel },
  { method: 'POST', pattern: /^\/api\/segment$/, handle: handleSegment },
  { method: 'GET', pattern: /^\/api\/progress\/([^/]+)$/, handle: serveProgress },
  { method: 'GET', pattern: /^\/api\/result\/([^/]+)$/, handle: (ctx) => sendJson(ctx.res, 200, storedResult(ctx).response) },
  { method: 'GET', pattern: /^\/api\/result\/([^/]+)\/pixel$/, handle: (ctx) => sendJson(ctx.res, 200, pixelAt(storedResult(ctx), ctx.app.card, ctx.url.searchParams)) },
  { method: 'GET', pattern: /^\/api\/result\/([^/]+)\/download$/, handle: serveDownload },
  { method: 'GET', pattern: /^\/api\/result\/([^/]+)\/([a-z-]+)\.png$/, handle: serveMap },
  // without --gallery an empty list, so the page asks without a 404 in the console
  { method: 'GET', pattern: /^\/api\/gallery$/, handle: (ctx) => sendJson(ctx.res, 200, ctx.app.gallery?.list() ?? { images: [] }) },
  { method: 'GET', pattern: /^\/api\/gallery\/([^/]+)\/thumbnail\.png$/, handle: async (ctx) => sendBytes(ctx.res, 'image/png', await galleryOf(ctx).thumbnail(ctx.params[0]), IMMUTABLE) },
  // the bytes as they are: the page uploads them to /api/segment, through the upload's checks
  { method: 'GET', pattern: /^\/api\/gallery\/([^/]+)\/image$/, handle: async (ctx) => sendBytes(ctx.res, 'application/octet-stream', await galleryOf(ctx).bytes(ctx.params[0]), { 'Cache-Control': 'no-store' }) },
  { method: 'GET', pattern: /^\/assets\/colorbar\.png$/, handle: (ctx) => sendBytes(ctx.res, 'image/png', ctx.app.colorBarPng, IMMUTABLE) },
];

/** The route for a request: 404 for an unknown path, 405 (with Allow) for a known path and another method. */
export function findRoute(method: string, pathname: string): { route: Route; params: string[] } {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
    allowed.push(route.method);
  }
  if (allowed.length) throw new HttpError(405, `${method} is not allowed on ${pathname} (use ${allowed.join(', ')})`, { Allow: allowed.join(', ') });
  throw new HttpError(404, `no such endpoint: ${method} ${pathname}`);
}
