/**
 * Progress of requests by a token the page chooses (query `job`), for polling:
 * GET /api/progress/TOKEN -> ProgressState. Entries expire a while after they finish, and the
 * registry is bounded (oldest dropped first).
 */
import type { ProgressState } from './types';

export const JOB_TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export class ProgressRegistry {
  private readonly entries = new Map<string, { state: ProgressState; expires: number }>();

  constructor(private readonly maxEntries = 1024, private readonly keepMs = 60_000) {}

  set(token: string, state: ProgressState): void {
    const finished = state.state === 'done' || state.state === 'error' || state.state === 'cancelled';
    this.entries.delete(token);
    this.entries.set(token, { state, expires: finished ? Date.now() + this.keepMs : Infinity });
    this.prune();
  }

  get(token: string): ProgressState | undefined {
    const e = this.entries.get(token);
    if (e && e.expires < Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return e?.state;
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = Date.now();
    for (const [key, e] of this.entries) if (e.expires < now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
