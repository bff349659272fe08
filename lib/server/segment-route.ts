/**
 * POST /api/segment?samples=N&seed=S&job=TOKEN with the image bytes as the body. The upload
 * comes first (415/413, 503 when too many are being read, 408 when slow: lib/server/upload-gate.ts),
 * then sniffing (400), admission (503 when the queue is full: a place is taken only by a complete
 * body, so slow senders cannot lock others out), a run slot, and the job. When the client disconnects the work is dropped: while queued it never
 * runs, while sampling it stops at the next chunk.
 */
import type { LoadedConformal } from '../conformal/file';
import { ClientGoneError, HttpError, queryParam, sendJson } from './http-error';
import { JOB_TOKEN_PATTERN } from './progress';
import type { ConformalJob, ProgressState } from './types';
import type { Ticket } from './queue';
import type { RouteContext } from './app';
import { checkUploadHeaders, readBody, sniffUpload } from './upload';
import { AUTO_DEFAULTS } from '../defaults';
import { describeSampleCount, parseSampleCount, plannedSamples, type SampleCount } from '../engine/convergence';
import { MAX_SEED, parseInteger } from '../validate';

/**
 * ?samples=N, ?samples=auto: the stopping rule of --samples auto, capped at the server's
 * --max-samples, or ?samples=analytic: one moment-propagation pass (lib/analytic/).
 */
function sampleQuery(query: URLSearchParams, fallback: number, max: number): SampleCount {
  if (query.get('samples') === 'analytic') return 'analytic';
  if (query.get('samples') !== 'auto') return queryParam(query, 'samples', (name, text) => parseSampleCount(name, text, max), fallback);
  const most = Math.min(AUTO_DEFAULTS.maxSamples, max);
  if (most < AUTO_DEFAULTS.minSamples) throw new HttpError(400, `query 'samples=auto' needs --max-samples of at least ${AUTO_DEFAULTS.minSamples}, the server allows ${max}`);
  return { ...AUTO_DEFAULTS, maxSamples: most };
}

function jobToken(query: URLSearchParams): string | null {
  const token = query.get('job');
  if (token === null || token === '') return null;
  if (!JOB_TOKEN_PATTERN.test(token)) throw new HttpError(400, `query 'job' must be 8 to 64 characters of [A-Za-z0-9_-], got '${token}'`);
  return token;
}

/** serve --conformal: the sets when the request samples as the file was fitted, else why not. */
function conformalJob(c: LoadedConformal, samples: SampleCount, seed: number): ConformalJob {
  const f = c.content;
  const head = { method: f.method, risk: f.risk, alpha: f.alpha };
  const asked = describeSampleCount(samples);
  if (JSON.stringify(asked) === JSON.stringify(f.samples) && seed === f.seed) return { ...head, sets: c.sets };
  return { ...head, sets: null, reason: `the sets were fitted with samples=${JSON.stringify(f.samples)} and seed=${f.seed}; this request asked samples=${JSON.stringify(asked)} and seed=${seed}` };
}

export async function handleSegment(ctx: RouteContext): Promise<void> {
  const { app, req, res, url } = ctx;
  const o = app.options;
  const samples = sampleQuery(url.searchParams, o.samples, o.maxSamples);
  const planned = plannedSamples(samples);
  const seed = queryParam(url.searchParams, 'seed', (name, text) => parseInteger(name, text, 0, MAX_SEED), 0);
  const token = jobToken(url.searchParams);
  const setProgress = (state: ProgressState): void => { if (token) app.progress.set(token, state); };

  checkUploadHeaders(req, o.maxUpload);
  const controller = new AbortController();
  const onClose = (): void => { if (!res.writableFinished) controller.abort(); };
  res.on('close', onClose);
  let ticket: Ticket | null = null;
  try {
    // the gate may release this upload for another when, at its rate, it would miss the deadline
    let received = 0;
    const count = (chunk: Buffer): void => { received += chunk.length; };
    req.on('data', count);
    const declared = Number(req.headers['content-length']);
    const startedMs = performance.now();
    const leave = app.uploads.enter({
      progress: () => ({ bytes: received, total: Number.isFinite(declared) && declared > 0 ? declared : null, startedMs }),
      release: (err) => controller.abort(err),
    });
    setProgress({ state: 'queued', done: 0, total: planned, position: 0 });
    let bytes: Buffer;
    try {
      bytes = await readBody(req, { maxBytes: o.maxUpload, timeoutMs: o.uploadTimeoutMs, signal: controller.signal,
        minBytesPerSecond: o.minUploadRate, graceMs: o.uploadGraceMs });
    } finally {
      leave();
      req.off('data', count);
    }
    await sniffUpload(bytes, o.maxPixels);
    const admitted = app.queue.admit();
    ticket = admitted;
    if (token) app.tickets.set(token, admitted);
    setProgress({ state: 'queued', done: 0, total: planned, position: admitted.position() });
    const t0 = performance.now();
    const stored = await admitted.run(() => app.engine.run({
      bytes, samples, seed, signal: controller.signal, queueMs: performance.now() - t0, displayMaxSide: o.displayMaxSide,
      onProgress: setProgress, ...(app.conformal ? { conformal: conformalJob(app.conformal, samples, seed) } : {}),
    }), controller.signal);
    app.store.put(stored);
    const r = stored.response;
    setProgress({ state: 'done', done: r.samples, total: r.samples, position: 0, id: r.id });
    app.emit({ type: 'segment', id: r.id, samples: r.samples, width: r.width, height: r.height, ms: r.ms });
    sendJson(res, 200, r);
  } catch (err) {
    if (err instanceof ClientGoneError || controller.signal.aborted) setProgress({ state: 'cancelled', done: 0, total: planned, position: 0, error: 'cancelled' });
    else setProgress({ state: 'error', done: 0, total: planned, position: 0, error: (err as Error).message });
    throw err;
  } finally {
    if (token) app.tickets.delete(token);
    ticket?.release();
    res.off('close', onClose);
  }
}
