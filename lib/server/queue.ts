/**
 * Bounded admission and bounded concurrency. A request is admitted (or refused with 503 and a
 * Retry-After estimate) once its upload is complete (uploads still arriving are bounded by
 * lib/server/upload-gate.ts), so that at most `concurrency + queue` requests wait for or hold
 * the model at a time, and a slow sender holds no place; an admitted request then waits
 * for one of `concurrency` run slots in arrival order. Waiting work whose client went away is
 * dropped without running.
 */
import { ClientGoneError, HttpError } from './http-error';
import { checkInteger } from '../validate';

export interface QueueOptions {
  /** tasks running at once, >= 1 */
  readonly concurrency: number;
  /** admitted requests beyond `concurrency`, >= 0 */
  readonly queue: number;
}

export interface QueueStats {
  readonly running: number;
  readonly waiting: number;
  readonly admitted: number;
  readonly capacity: number;
  /** moving average of task durations, ms (0 before the first) */
  readonly averageMs: number;
}

/** One admitted request: run its task at most once, release it when the request ends. */
export interface Ticket {
  /** Waits for a slot, then runs the task; rejects with ClientGoneError if `signal` aborts while waiting. */
  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /** 1-based place among the waiting tickets, 0 when running or not waiting */
  position(): number;
  /** Frees the admission; idempotent. */
  release(): void;
}

interface Waiter {
  readonly start: () => void;
}

export class WorkQueue {
  private running = 0;
  private admitted = 0;
  private averageMs = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: QueueOptions) {
    checkInteger('concurrency', options.concurrency, 1);
    checkInteger('queue', options.queue, 0);
  }

  get capacity(): number {
    return this.options.concurrency + this.options.queue;
  }

  stats(): QueueStats {
    return { running: this.running, waiting: this.waiting.length, admitted: this.admitted, capacity: this.capacity, averageMs: Math.round(this.averageMs) };
  }

  /** Seconds until a slot is likely free: the waiting work at the average task time, at least 1. */
  retryAfterSeconds(): number {
    const perTask = this.averageMs || 1000;
    const ahead = this.admitted - this.options.concurrency + 1;
    return Math.min(600, Math.max(1, Math.ceil((Math.max(1, ahead) * perTask) / this.options.concurrency / 1000)));
  }

  /** Admits a request, or throws HttpError 503 with Retry-After when `capacity` are admitted. */
  admit(): Ticket {
    if (this.admitted >= this.capacity) {
      const seconds = this.retryAfterSeconds();
      throw new HttpError(503, `the server is busy (${this.running} running, ${this.waiting.length} waiting, limit `
        + `${this.capacity}): try again in ${seconds} s`, { 'Retry-After': String(seconds) });
    }
    this.admitted++;
    let released = false;
    let used = false;
    let waiter: Waiter | null = null;
    return {
      run: <T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> => {
        if (released || used) return Promise.reject(new Error('a ticket runs one task, before it is released'));
        used = true;
        return new Promise<T>((resolve, reject) => {
          const start = (): void => {
            signal.removeEventListener('abort', onAbort);
            waiter = null;
            this.running++;
            const t0 = performance.now();
            const finish = (): void => {
              this.running--;
              const ms = performance.now() - t0;
              this.averageMs = this.averageMs === 0 ? ms : this.averageMs * 0.8 + ms * 0.2;
              this.pump();
            };
            // the slot is free before the caller sees the outcome
            Promise.resolve().then(task).then((v) => { finish(); resolve(v); }, (err: unknown) => { finish(); reject(err); });
          };
          const onAbort = (): void => {
            const i = waiter ? this.waiting.indexOf(waiter) : -1;
            if (i >= 0) this.waiting.splice(i, 1);
            waiter = null;
            reject(new ClientGoneError('the client disconnected while its request was queued'));
          };
          if (signal.aborted) { reject(new ClientGoneError()); return; }
          if (this.running < this.options.concurrency && this.waiting.length === 0) { start(); return; }
          waiter = { start };
          this.waiting.push(waiter);
          signal.addEventListener('abort', onAbort, { once: true });
        });
      },
      position: (): number => (waiter ? this.waiting.indexOf(waiter) + 1 : 0),
      release: (): void => {
        if (released) return;
        released = true;
        this.admitted--;
      },
    };
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      (this.waiting.shift() as Waiter).start();
    }
  }
}
