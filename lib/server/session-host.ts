/**
 * The server's sampling runs in a worker thread (session-worker.ts) that owns the model's ONNX
 * sessions: the main thread only reads requests and answers, so /healthz, 503s and
 * disconnects are handled while a job samples. A job is cancelled through shared memory the
 * worker reads between chunks; close() cancels every job and waits for the thread to stop
 * after its current chunk.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { SegmenterOptions } from '../engine/segmenter';
import type { ConformalJob, ProgressState } from './types';
import type { StoredResult } from './result-store';
import { deserializeError, FromWorker, JobMessage, ModelInfo, reviveStored } from './session-protocol';
import type { SampleCount } from '../engine/convergence';

export interface HostJob {
  readonly bytes: Uint8Array;
  readonly samples: SampleCount;
  readonly seed: number;
  readonly queueMs: number;
  readonly displayMaxSide: number;
  /** aborts the job at the next chunk boundary */
  readonly signal: AbortSignal;
  readonly onProgress?: (state: ProgressState) => void;
  /** serve --conformal: the sets to apply, or why none */
  readonly conformal?: ConformalJob;
}

interface Pending {
  readonly resolve: (stored: StoredResult) => void;
  readonly reject: (err: Error) => void;
  readonly onProgress?: (state: ProgressState) => void;
  readonly cancel: Int32Array;
}

/** The worker file beside this one; from TypeScript sources (tests) it is loaded through tsx. */
function spawnWorker(options: SegmenterOptions): Worker {
  const file = path.join(__dirname, `session-worker${path.extname(__filename)}`);
  if (file.endsWith('.ts')) {
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData: options });
  }
  return new Worker(file, { workerData: options });
}

export class SessionHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private closing: Promise<void> | null = null;

  private constructor(private readonly worker: Worker, readonly info: ModelInfo) {
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    const fail = (why: string): void => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new Error(`the sampling worker stopped (${why})`));
      this.pending.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  /** Starts the worker and waits until it has loaded the model (its errors are thrown here). */
  static start(options: SegmenterOptions): Promise<SessionHost> {
    const worker = spawnWorker(options);
    return new Promise<SessionHost>((resolve, reject) => {
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (m: FromWorker): void => {
        if (m.type === 'ready') {
          cleanup();
          resolve(new SessionHost(worker, m.info));
        } else if (m.type === 'start-failed') {
          cleanup();
          void worker.terminate();
          reject(deserializeError(m.error));
        }
      };
      const onError = (err: Error): void => { cleanup(); reject(err); };
      const onExit = (code: number): void => { cleanup(); reject(new Error(`the sampling worker exited (code ${code}) before the model loaded`)); };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  run(job: HostJob): Promise<StoredResult> {
    if (this.closed) return Promise.reject(new Error('the server is stopping'));
    const id = this.nextId++;
    const shared = new SharedArrayBuffer(4);
    const cancel = new Int32Array(shared);
    return new Promise<StoredResult>((resolve, reject) => {
      const onAbort = (): void => { Atomics.store(cancel, 0, 1); };
      const settle = <A>(f: (a: A) => void) => (a: A): void => { job.signal.removeEventListener('abort', onAbort); f(a); };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject), onProgress: job.onProgress, cancel });
      if (job.signal.aborted) onAbort();
      else job.signal.addEventListener('abort', onAbort, { once: true });
      const message: JobMessage = {
        type: 'job', id, bytes: job.bytes, samples: job.samples, seed: job.seed, queueMs: job.queueMs,
        displayMaxSide: job.displayMaxSide, cancel: shared, ...(job.conformal ? { conformal: job.conformal } : {}),
      };
      this.worker.postMessage(message);
    });
  }

  private onMessage(m: FromWorker): void {
    if (m.type !== 'progress' && m.type !== 'done' && m.type !== 'failed') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.state);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'done') p.resolve(reviveStored(m.stored));
    else p.reject(deserializeError(m.error));
  }

  /**
   * Cancels every job and asks the worker to leave: it waits for its jobs to stop after their
   * current chunk, releases its sessions, then exits. Never terminated here: cut inside a native
   * session.run, onnxruntime throws a C++ Napi::Error and the whole process aborts (exit 134 on
   * SIGTERM in 3 of 13 runs, issue 25). A chunk that never ends is left to a second signal.
   * Every call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    if (this.closed) return; // the worker has already gone
    this.closed = true;
    for (const p of this.pending.values()) Atomics.store(p.cancel, 0, 1);
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    await exited;
  }
}
