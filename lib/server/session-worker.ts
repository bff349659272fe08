/**
 * The worker-thread side of lib/server/session-host.ts: owns the Segmenter (its ONNX sessions)
 * and runs whole segmentation jobs, so decoding, sampling and PNG encoding never block the
 * server's event loop. onnxruntime-node 1.30 runs `session.run` on the calling thread (it only
 * waits a tick first), so without this thread every chunk stalled /healthz for its full length.
 *
 * Cancellation is a shared Int32Array the main thread sets: it is read between chunks, when
 * the sampler calls back, because this thread's own message queue is not served while a chunk
 * runs.
 */
import { MessagePort, parentPort, workerData } from 'worker_threads';
import { Segmenter, SegmenterOptions } from '../engine/segmenter';
import { runSegmentJob } from './segment-job';
import type { FromWorker, JobMessage, ToWorker } from './session-protocol';
import { serializeError, transferablesOf } from './session-protocol';

function channel(): MessagePort {
  if (!parentPort) throw new Error('session-worker.ts runs only as a worker thread (lib/server/session-host.ts starts it)');
  return parentPort;
}
const port = channel();
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

async function runJob(segmenter: Segmenter, job: JobMessage): Promise<void> {
  const flag = new Int32Array(job.cancel);
  const signal = { get aborted(): boolean { return Atomics.load(flag, 0) !== 0; } };
  try {
    const stored = await runSegmentJob(segmenter, {
      bytes: job.bytes, samples: job.samples, seed: job.seed, queueMs: job.queueMs, displayMaxSide: job.displayMaxSide, signal, conformal: job.conformal,
      onProgress: (state) => post({ type: 'progress', id: job.id, state }),
    });
    post({ type: 'done', id: job.id, stored }, transferablesOf(stored));
  } catch (err) {
    post({ type: 'failed', id: job.id, error: serializeError(err) });
  }
}

async function main(): Promise<void> {
  let segmenter: Segmenter;
  try {
    segmenter = await Segmenter.create(workerData as SegmenterOptions);
  } catch (err) {
    post({ type: 'start-failed', error: serializeError(err) });
    return;
  }
  const s = segmenter;
  post({
    type: 'ready',
    info: {
      card: s.card, deterministic: s.compiled.deterministic, warnings: [...s.warnings],
      dropoutPoints: s.compiled.points.map((p) => ({ tensor: p.tensor, rate: p.rate })),
    },
  });
  // Sessions are released only once no job is left: a release while a job waits for its next
  // session.run (which starts a tick later) let the native run meet a freed session, and the
  // C++ Napi::Error it threw aborted the whole process (exit 134 on SIGTERM, issue 25).
  const active = new Set<Promise<void>>();
  let closing = false;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'job') {
      if (closing) {
        post({ type: 'failed', id: message.id, error: serializeError(new Error('the server is stopping')) });
        return;
      }
      const job = runJob(s, message).finally(() => active.delete(job));
      active.add(job);
    } else if (!closing) {
      closing = true; // the host has set every job's cancel flag: each stops after its current chunk
      void Promise.allSettled([...active]).then(() => s.release()).finally(() => port.close());
    }
  });
}

void main();
