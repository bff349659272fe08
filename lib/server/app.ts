/** What every route reads: the model, limits, the queue, stored results and progress; and one request's context. */
import type { IncomingMessage, ServerResponse } from 'http';
import type { LoadedConformal } from '../conformal/file';
import type { ModelCard } from '../model/types';
import type { Gallery } from './gallery';
import type { ResolvedServeOptions } from './options';
import type { PageRenderer } from './page';
import type { ProgressRegistry } from './progress';
import type { WorkQueue, Ticket } from './queue';
import type { ResultStore } from './result-store';
import type { SessionHost } from './session-host';
import type { UploadGate } from './upload-gate';

/** Events for a log; the library never prints. */
export type ServeEvent =
  | { type: 'segment'; id: string; samples: number; width: number; height: number; ms: number }
  | { type: 'rejected'; status: number; path: string; message: string }
  | { type: 'cancelled'; path: string }
  | { type: 'internal-error'; path: string; message: string };

export interface App {
  /** the worker thread that owns the model's sessions and runs the jobs */
  readonly engine: SessionHost;
  readonly card: ModelCard;
  readonly options: ResolvedServeOptions;
  readonly queue: WorkQueue;
  /** bounds the uploads being read; the queue admits only complete bodies */
  readonly uploads: UploadGate;
  readonly store: ResultStore;
  readonly progress: ProgressRegistry;
  /** tickets of queued requests by job token, for live queue positions */
  readonly tickets: Map<string, Ticket>;
  readonly colorBarPng: Buffer;
  /** the page at / for a nonce (read once at start: lib/server/page.ts) */
  readonly page: PageRenderer;
  readonly emit: (event: ServeEvent) => void;
  /** serve --conformal: the fitted file (its model checked at start) */
  readonly conformal?: LoadedConformal | null;
  /** serve --gallery DIR: its images for the page's gallery */
  readonly gallery?: Gallery | null;
}

export interface RouteContext {
  readonly app: App;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** the pattern's capture groups */
  readonly params: readonly string[];
}
