/**
 * POST /api/segment?samples=N&seed=S&job=TOKEN with the image bytes as the body. Admission comes
 * first (503 when full, before the upload is read), then the upload (413/415/408), sniffing (400),
 * a run slot, and the job. When the client disconnects the work is dropped: while queued it never
 * runs, while sampling it stops at the next chunk.
 */
import { ClientGoneError, HttpError, sendJson } from './http-error';
import { JOB_TOKEN_PATTERN, ProgressState } from './progress';
import type { RouteContext } from './routes';
import { checkUploadHeaders, readBody, sniffUpload } from './upload';

function integerQuery(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const v = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new HttpError(400, `query '${name}' must be an integer in ${min}..${max}, got '${raw}'`);
  }
  return v;
}

function jobToken(query: URLSearchParams): string | null {
  const token = query.get('job');
  if (token === null || token === '') return null;
  if (!JOB_TOKEN_PATTERN.test(token)) throw new HttpError(400, `query 'job' must be 8 to 64 characters of [A-Za-z0-9_-], got '${token}'`);
  return token;
}

export async function handleSegment(ctx: RouteContext): Promise<void> {
  const { app, req, res, url } = ctx;
  const o = app.options;
  const samples = integerQuery(url.searchParams, 'samples', o.samples, 1, o.maxSamples);
  const seed = integerQuery(url.searchParams, 'seed', 0, 0, 0xffffffff);
  const token = jobToken(url.searchParams);
  const setProgress = (state: ProgressState): void => { if (token) app.progress.set(token, state); };

  const ticket = app.queue.admit();
  const controller = new AbortController();
  const onClose = (): void => { if (!res.writableFinished) controller.abort(); };
  res.on('close', onClose);
  try {
    checkUploadHeaders(req, o.maxUpload);
    setProgress({ state: 'queued', done: 0, total: samples, position: 0 });
    const bytes = await readBody(req, { maxBytes: o.maxUpload, timeoutMs: o.uploadTimeoutMs, signal: controller.signal });
    sniffUpload(bytes, o.maxPixels);
    if (token) app.tickets.set(token, ticket);
    setProgress({ state: 'queued', done: 0, total: samples, position: ticket.position() });
    const t0 = performance.now();
    const stored = await ticket.run(() => app.engine.run({
      bytes, samples, seed, signal: controller.signal, queueMs: performance.now() - t0, displayMaxSide: o.displayMaxSide,
      onProgress: setProgress,
    }), controller.signal);
    app.store.put(stored);
    const r = stored.response;
    setProgress({ state: 'done', done: samples, total: samples, position: 0, id: r.id });
    app.emit({ type: 'segment', id: r.id, samples, width: r.width, height: r.height, ms: r.ms });
    sendJson(res, 200, r);
  } catch (err) {
    if (err instanceof ClientGoneError || controller.signal.aborted) setProgress({ state: 'cancelled', done: 0, total: samples, position: 0, error: 'cancelled' });
    else setProgress({ state: 'error', done: 0, total: samples, position: 0, error: (err as Error).message });
    throw err;
  } finally {
    if (token) app.tickets.delete(token);
    ticket.release();
    res.off('close', onClose);
  }
}
