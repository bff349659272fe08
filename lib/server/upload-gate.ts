/**
 * Fair admission for uploads (issue 20): a request takes a queue place only once its body has
 * arrived, so a client that sends slowly holds no place others need. What bounds the memory of
 * bodies still arriving is this gate: at most `maxUploads` are read at once, and each must keep a
 * minimum rate once its grace period is over (408 otherwise, see readBody).
 *
 * Admission by progress (issue 25): a rate just above the floor kept every place for the whole
 * upload timeout, so eight senders at 70 kB/s locked every normal client out (32 of 32 got 503).
 * When the places are full, the upload that will finish last is released (408) for the newcomer
 * if, at its rate so far, it will not finish within the upload deadline; else the newcomer gets
 * 503 as before.
 */
import { HttpError } from './http-error';
import { checkInteger } from '../validate';

/** How far an upload has come: bytes so far, the declared total (null: unknown), since when. */
export interface UploadProgress {
  readonly bytes: number;
  readonly total: number | null;
  readonly startedMs: number;
}

/** What the gate may do with an upload it holds. */
export interface UploadHandle {
  readonly progress: () => UploadProgress;
  /** stops reading it with this error (its place is already given back) */
  readonly release: (err: HttpError) => void;
}

/** Rate evidence needed before an upload may be judged: its first second. */
const EVIDENCE_MS = 1000;

export class UploadGate {
  private open = 0;
  private readonly held = new Set<{ handle: UploadHandle; leave: () => void }>();

  /** deadlineMs: the time an upload may take (the upload timeout); 0 never releases one */
  constructor(readonly maxUploads: number, readonly deadlineMs = 0) {
    checkInteger('maxUploads', maxUploads, 1);
  }

  /** uploads being read now */
  get inFlight(): number {
    return this.open;
  }

  /**
   * Takes a reading place, or throws 503; the returned function gives it back (idempotent).
   * `handle`: lets the gate release this upload for a newcomer when it will not finish in time.
   */
  enter(handle?: UploadHandle): () => void {
    if (this.open >= this.maxUploads && !this.releaseOneForNewcomer()) {
      throw new HttpError(503, `the server is reading ${this.open} uploads already (limit ${this.maxUploads}): try again in 1 s`,
        { 'Retry-After': '1', Connection: 'close' });
    }
    this.open++;
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      this.open--;
      this.held.delete(entry);
    };
    const entry = { handle: handle ?? null, leave } as { handle: UploadHandle; leave: () => void };
    if (handle) this.held.add(entry);
    return leave;
  }

  /** Releases the held upload that will finish last, if it will miss the deadline; whether one was. */
  private releaseOneForNewcomer(): boolean {
    if (this.deadlineMs <= 0) return false;
    const now = performance.now();
    let worst: { entry: { handle: UploadHandle; leave: () => void }; finishMs: number; rate: number } | null = null;
    for (const entry of this.held) {
      const p = entry.handle.progress();
      const elapsed = now - p.startedMs;
      if (elapsed < EVIDENCE_MS) continue;
      const rate = p.bytes / elapsed; // bytes per ms
      // unknown total: judged by the rate alone (it has not finished, so at least one more byte)
      const left = p.total === null ? 1 : Math.max(0, p.total - p.bytes);
      const finishMs = rate > 0 ? elapsed + left / rate : Infinity;
      if (finishMs > this.deadlineMs && (!worst || finishMs > worst.finishMs)) worst = { entry, finishMs, rate };
    }
    if (!worst) return false;
    const seconds = Number.isFinite(worst.finishMs) ? `${(worst.finishMs / 1000).toFixed(0)} s` : 'ever';
    worst.entry.leave();
    worst.entry.handle.release(new HttpError(408, `the upload was released for another: at ${(worst.rate * 1000 / 1024).toFixed(0)} KiB/s it would take ${seconds}, `
      + `over the ${this.deadlineMs / 1000} s limit`, { Connection: 'close' }));
    return true;
  }
}
