/**
 * Progress of a run over many images, for the CLI to print (lib/ never prints): images done of
 * the total, errors so far, ms per image and an ETA, and when a plain line is due off a
 * terminal: at each further tenth of the images or after 30 s without a line, whichever comes first.
 */

/** [everyFraction=0.1, everyMs=30_000] when plain lines are due */
export const PROGRESS_DEFAULTS = { everyFraction: 0.1, everyMs: 30_000 } as const;

export interface ProgressSnapshot {
  readonly done: number;
  readonly total: number;
  readonly errors: number;
  /** wall time per image sampled in this run (resumed images excluded); null before the first */
  readonly msPerImage: number | null;
  /** estimated time left; null until an image has been sampled */
  readonly etaMs: number | null;
  /** fraction of the work done, counting the image in progress by its samples */
  readonly fraction: number;
}

export interface ProgressOptions {
  /** [Date.now] clock, for tests */
  readonly now?: () => number;
  readonly everyFraction?: number;
  readonly everyMs?: number;
}

export class ProgressTracker {
  private total = 0;
  private done = 0;
  private errors = 0;
  private sampled = 0;
  private partial = 0;
  private startedAt = 0;
  private lastLineAt = 0;
  private lastLineStep = 0;
  private readonly now: () => number;
  private readonly everyFraction: number;
  private readonly everyMs: number;

  constructor(options: ProgressOptions = {}) {
    this.now = options.now ?? Date.now;
    this.everyFraction = options.everyFraction ?? PROGRESS_DEFAULTS.everyFraction;
    this.everyMs = options.everyMs ?? PROGRESS_DEFAULTS.everyMs;
  }

  start(total: number): void {
    this.total = total;
    this.startedAt = this.lastLineAt = this.now();
  }

  /** An image finished (ok or not); `resumed` ones took no time and do not enter the rate. */
  image(ok: boolean, resumed = false): void {
    this.done++;
    if (!ok) this.errors++;
    if (!resumed) this.sampled++;
    this.partial = 0;
  }

  /** The image in progress has `done` of `total` samples. */
  samples(done: number, total: number): void {
    this.partial = total > 0 ? Math.min(1, done / total) : 0;
  }

  snapshot(): ProgressSnapshot {
    const elapsed = this.now() - this.startedAt;
    const worked = this.sampled + this.partial;
    const msPerImage = this.sampled > 0 ? elapsed / worked : null;
    const left = Math.max(0, this.total - this.done - this.partial);
    return {
      done: this.done, total: this.total, errors: this.errors, msPerImage,
      etaMs: msPerImage === null ? null : left * msPerImage,
      fraction: this.total > 0 ? Math.min(1, (this.done + this.partial) / this.total) : 1,
    };
  }

  /** Whether a plain line is due now (and if so, counts it as printed). */
  lineDue(): boolean {
    const step = this.total > 0 ? Math.floor(this.done / this.total / this.everyFraction + 1e-9) : 0;
    const t = this.now();
    if (step > this.lastLineStep || t - this.lastLineAt >= this.everyMs) {
      this.lastLineStep = Math.max(step, this.lastLineStep);
      this.lastLineAt = t;
      return true;
    }
    return false;
  }
}

/** 95 -> '1m35s', 3725 -> '1h02m05s' (seconds rounded up, so an ETA never reads 0s too early). */
export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`;
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** '30/101 images (29%), 1 error, 3312 ms/image, ETA 3m55s' */
export function progressLine(p: ProgressSnapshot): string {
  const pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
  const parts = [`${p.done}/${p.total} images (${pct}%)`, `${p.errors} error${p.errors === 1 ? '' : 's'}`];
  parts.push(p.msPerImage === null ? 'ms/image -' : `${Math.round(p.msPerImage)} ms/image`);
  parts.push(p.etaMs === null ? 'ETA -' : `ETA ${formatDuration(p.etaMs)}`);
  return parts.join(', ');
}
