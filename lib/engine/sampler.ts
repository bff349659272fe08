/**
 * The Monte-Carlo sampler: runs the prefix once per image, the suffix in chunks of K samples,
 * and merges the chunks' in-graph aggregates with Chan's parallel formulas into float64
 * accumulators, so memory does not grow with N.
 */
import type { UncertaintyMaps } from './types';
import { AGG_ENTROPY_SUM, AGG_M2, AGG_MEAN, AGG_VOTES } from '../graph/aggregate';
import { CompiledModel } from './compile';
import { fillDropoutMask } from './masks';
import { isMirrored, mirrorWidth, orientationRuns, TTA_MODES, type Tta } from './flip';
import { createSession, ort, SessionOptions } from './session';
import { SinglePass } from './single-pass';
import { createAccumulator, finishMaps, mergeChunk, type ChunkAccumulator } from './uncertainty-maps';
import { checkInteger, checkSeed, isIntegerIn, MAX_SEED } from '../validate';
import { DEFAULT_TTA } from '../defaults';

export interface SampleOptions {
  /** number of MC samples N >= 1 */
  readonly samples: number;
  /** integer seed in 0..2^32-1 */
  readonly seed: number;
  /** 32-bit key of the image (from its content digest) */
  readonly imageKey: number;
  /** samples per suffix run [default: the sampler's batch] */
  readonly batch?: number;
  /** first sample index [default: 0]; a run of samples s..s+N-1 */
  readonly firstSample?: number;
  /** called after each chunk with the samples done so far */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * --samples auto (lib/engine/convergence.ts): `samples` is then the most; chunks end at every
   * count of `at` and sampling stops at the first where `stop` says so.
   */
  readonly until?: {
    readonly at: readonly number[];
    readonly stop: (acc: ChunkAccumulator) => boolean;
    /**
     * A nested sweep with an auto row (`segnet-uq samples --samples auto`): sample on after the
     * stop up to this count without further checks. The last count of `at` counts as a stop.
     */
    readonly sweepTo?: number;
    /** the maps at the stop and the sampling milliseconds to reach it (as onSnapshot's) */
    readonly onStop?: (maps: UncertaintyMaps, ms: number) => void;
  };
  /**
   * Sample counts (ascending, each in 1..samples) at which the maps are also taken, for a nested
   * sweep (`segnet-uq samples`): chunks end at every count, and since sample s always gets mask
   * s, the maps at count k equal an independent N=k run with the same seed. Each goes to
   * `onSnapshot` with the sampling milliseconds spent to reach it (prefix included).
   */
  readonly snapshots?: readonly number[];
  readonly onSnapshot?: (maps: UncertaintyMaps, ms: number) => void;
  /**
   * [none] (bench/end-to-end.ts) the milliseconds of each stage as it ends, from the call on:
   * time in the other callbacks falls in the stage after them. Without it nothing is timed.
   */
  readonly onStage?: (stage: SampleStage, ms: number) => void;
}

/** 'single': the N=1 run of the whole graph with its maps; 'aggregation': merging chunks and finishing maps */
export type SampleStage = 'prefix' | 'masks' | 'suffix' | 'aggregation' | 'single';

/** Snapshot counts: ascending integers in 1..samples. */
function checkSnapshots(counts: readonly number[], samples: number): readonly number[] {
  counts.forEach((c, i) => {
    if (!isIntegerIn(c, 1, samples) || (i > 0 && c <= counts[i - 1])) {
      throw new RangeError(`snapshots must be ascending integers in 1..${samples} (the samples), got ${JSON.stringify(counts)}`);
    }
  });
  return counts;
}

/** One suffix run's aggregates: chunk mean and M2 [1, C, H, W], entropy sum [1, 1, H, W]. */
export interface ChunkResult {
  readonly mean: Float32Array;
  readonly m2: Float32Array;
  readonly entropySum: Float32Array;
  /** per-class argmax counts of the chunk [1, C, H, W] */
  readonly votes: Float32Array;
  readonly dims: readonly number[];
}

export class McSampler {
  private constructor(
    readonly compiled: CompiledModel,
    private readonly prefix: ort.InferenceSession | null,
    private readonly suffix: ort.InferenceSession,
    /** default samples per suffix run */
    readonly batch: number,
    /** N=1 in one run of the whole graph (null for a deterministic model) */
    private readonly single: SinglePass | null,
    /** 'flip': odd samples see the mirrored image (lib/engine/flip.ts) */
    readonly tta: Tta,
  ) {}

  static async create(compiled: CompiledModel, options: SessionOptions & { batch?: number; tta?: Tta } = {}): Promise<McSampler> {
    const batch = options.batch ?? 1;
    checkInteger('batch', batch, 1);
    const tta = options.tta ?? DEFAULT_TTA;
    if (!TTA_MODES.includes(tta)) throw new RangeError(`tta must be 'none' or 'flip', got ${JSON.stringify(tta)}`);
    const prefix = compiled.prefix ? await createSession(compiled.prefix, options) : null;
    const suffix = await createSession(compiled.suffix, options);
    return new McSampler(compiled, prefix, suffix, compiled.deterministic ? 1 : batch, SinglePass.of(compiled, options), tta);
  }

  /** Runs the deterministic prefix; its outputs are shared by every chunk of this image. */
  async runPrefix(input: Float32Array): Promise<Record<string, ort.Tensor>> {
    const c = this.compiled;
    const image = new ort.Tensor('float32', input, c.inputDims.slice());
    const feeds: Record<string, ort.Tensor> = {};
    if (this.prefix) Object.assign(feeds, await this.prefix.run({ [c.inputName]: image }));
    for (const name of c.suffixGraphInputs) feeds[name] = image;
    return feeds;
  }

  /**
   * Suffix feeds for samples [first, first+k): the shared prefix outputs plus fresh masks.
   * A fresh buffer per run: ORT reads it while the run is in flight, and sample() calls on one
   * sampler may overlap (a shared buffer gave them each other's masks).
   */
  chunkFeeds(shared: Record<string, ort.Tensor>, first: number, k: number, seed: number, imageKey: number): Record<string, ort.Tensor> {
    return this.maskFeeds(shared, Array.from({ length: k }, (_, s) => first + s), seed, imageKey);
  }

  /** Suffix feeds for the given sample indices, one mask each (keyed by the index, as chunkFeeds). */
  private maskFeeds(shared: Record<string, ort.Tensor>, samples: readonly number[], seed: number, imageKey: number): Record<string, ort.Tensor> {
    const c = this.compiled;
    const k = samples.length;
    const feeds: Record<string, ort.Tensor> = { ...shared };
    for (let p = 0; p < c.points.length; p++) {
      const point = c.points[p];
      const buffer = new Float32Array(point.size * k);
      for (let s = 0; s < k; s++) fillDropoutMask(buffer, s * point.size, point.size, point.rate, seed, imageKey, samples[s], p);
      feeds[point.maskInput] = new ort.Tensor('float32', buffer, [k, ...point.dims.slice(1)]);
    }
    return feeds;
  }

  /** One suffix run on prepared feeds (chunkFeeds), for callers that time masks and runs apart. */
  async runFeeds(feeds: Record<string, ort.Tensor>): Promise<ChunkResult> {
    const out = await this.suffix.run(feeds);
    return {
      mean: out[AGG_MEAN].data as Float32Array,
      m2: out[AGG_M2].data as Float32Array,
      entropySum: out[AGG_ENTROPY_SUM].data as Float32Array,
      votes: out[AGG_VOTES].data as Float32Array,
      dims: out[AGG_MEAN].dims,
    };
  }

  /** Runs samples [first, first+k) in one suffix run and returns its aggregates. */
  async runChunk(shared: Record<string, ort.Tensor>, first: number, k: number, seed: number, imageKey: number): Promise<ChunkResult> {
    return this.runFeeds(this.chunkFeeds(shared, first, k, seed, imageKey));
  }

  /** N MC samples of one preprocessed image tensor ([1, 3, H, W], normalised). */
  async sample(input: Float32Array, options: SampleOptions): Promise<UncertaintyMaps> {
    checkInteger('samples', options.samples, 1);
    const batch = options.batch ?? this.batch;
    checkInteger('batch', batch, 1);
    // seeds and image keys are 32-bit words: anything else would silently alias another stream
    checkSeed('seed', options.seed);
    checkInteger('imageKey', options.imageKey, 0, MAX_SEED);
    const first = options.firstSample ?? 0;
    checkInteger('firstSample', first, 0);
    const snapshots = checkSnapshots(options.snapshots ?? [], options.samples);
    const t0 = performance.now();
    const onStage = options.onStage;
    let lapStart = t0;
    const lap = (stage: SampleStage): void => {
      if (!onStage) return;
      const now = performance.now();
      onStage(stage, now - lapStart);
      lapStart = now;
    };
    if (options.samples === 1 && this.single && !options.until && !isMirrored(this.tta, first)) {
      const c = this.compiled;
      const image = new ort.Tensor('float32', input, c.inputDims.slice());
      const feeds = this.chunkFeeds({ [c.inputName]: image }, first, 1, options.seed, options.imageKey);
      lap('masks');
      const maps = await this.single.run(feeds);
      lap('single');
      if (snapshots.length > 0) options.onSnapshot?.(maps, performance.now() - t0);
      options.onProgress?.(1, 1);
      return maps;
    }
    const shared = await this.runPrefix(input);
    lap('prefix');
    let mirroredShared: Record<string, ort.Tensor> | null = null; // the mirror image's prefix, run at its first sample
    const deterministic = this.compiled.deterministic;
    // a deterministic model with --tta flip: one pass of the image and one of its mirror
    const total = deterministic ? (this.tta === 'flip' ? 2 : 1) : options.samples;
    const until = deterministic ? undefined : options.until;
    const checks = new Set(until?.at ?? []);
    const ends = [...(until?.at ?? []), ...(deterministic ? [] : snapshots)];
    const sizeAt = (done: number): number => {
      let k = Math.min(batch, total - done);
      for (const c of ends) if (c > done && c - done < k) k = c - done;
      return k;
    };
    let snapped = 0;
    let notSampling = 0; // milliseconds spent finishing snapshots, left out of their times
    const latest: { maps: UncertaintyMaps | null; count: number } = { maps: null, count: 0 }; // the last snapshot, at acc.count
    const snapshot = (acc: ChunkAccumulator, done: number): void => {
      // a deterministic model ran once: that pass stands for every count
      while (snapped < snapshots.length && (deterministic ? done === total : snapshots[snapped] === done)) {
        const t = performance.now();
        const ms = t - t0 - notSampling;
        const maps = finishMaps(acc, dims[1], dims[3], dims[2], snapshots[snapped]);
        latest.maps = maps;
        latest.count = acc.count;
        options.onSnapshot?.(maps, ms);
        snapped++;
        notSampling += performance.now() - t;
      }
    };
    let acc: ChunkAccumulator | null = null;
    let dims: readonly number[] = [];
    const lastCheck = until?.at[until.at.length - 1];
    let stopped = false;
    const stopAt = (a: ChunkAccumulator): void => {
      stopped = true;
      const t = performance.now();
      options.until?.onStop?.(finishMaps(a, dims[1], dims[3], dims[2], a.count), t - t0 - notSampling);
      notSampling += performance.now() - t;
    };
    // onnxruntime-node 1.30 runs `session.run` on the calling thread (after a tick), so nothing
    // overlaps a chunk here: masks, merging and progress run between chunks. The next chunk
    // starts only after onProgress returns, so a callback that throws (a cancelled job) stops
    // the sampling before another chunk runs. To keep an event loop free, run the sampler in a
    // worker thread (lib/server/session-host.ts).
    for (let done = 0; done < total;) {
      const k = sizeAt(done);
      for (const run of orientationRuns(this.tta, first + done, k)) {
        if (run.mirrored && !mirroredShared) {
          mirroredShared = await this.runPrefix(mirrorWidth(input, this.compiled.inputDims[3]));
          lap('prefix');
        }
        const feeds = this.maskFeeds(run.mirrored ? mirroredShared as Record<string, ort.Tensor> : shared, run.samples, options.seed, options.imageKey);
        lap('masks');
        const chunk = mirrorBack(await this.runFeeds(feeds), run.mirrored);
        lap('suffix');
        if (!acc) {
          dims = chunk.dims;
          acc = createAccumulator(dims[1], dims[2] * dims[3]);
        }
        mergeChunk(acc, run.samples.length, chunk.mean, chunk.m2, chunk.entropySum, chunk.votes);
      }
      done += k;
      const merged = acc as ChunkAccumulator; // every chunk has at least one run
      snapshot(merged, done);
      lap('aggregation');
      const t = performance.now();
      options.onProgress?.(done, total);
      notSampling += performance.now() - t;
      if (until && !stopped && checks.has(done) && (until.stop(merged) || (until.onStop !== undefined && done === lastCheck))) stopAt(merged);
      if (stopped && done >= (until?.sweepTo ?? 0)) break;
    }
    const a = acc as ChunkAccumulator;
    if (options.until?.onStop && !stopped) stopAt(a); // a deterministic model: its one pass
    const samples = options.until ? a.count : options.samples;
    // a snapshot taken at the end, of the same count, is the result: one object, finished (and
    // resized by a caller scoring both) once, as the single-pass path above returns its snapshot
    if (latest.maps && latest.count === a.count && latest.maps.samples === samples) return latest.maps;
    const maps = finishMaps(a, dims[1], dims[3], dims[2], samples);
    lap('aggregation');
    return maps;
  }

  async release(): Promise<void> {
    await this.prefix?.release();
    await this.suffix.release();
    await this.single?.release();
  }
}

/** A mirrored run's aggregates, mirrored back into the image's own orientation. */
function mirrorBack(chunk: ChunkResult, mirrored: boolean): ChunkResult {
  if (!mirrored) return chunk;
  const w = chunk.dims[3];
  return { dims: chunk.dims, mean: mirrorWidth(chunk.mean, w), m2: mirrorWidth(chunk.m2, w),
    entropySum: mirrorWidth(chunk.entropySum, w), votes: mirrorWidth(chunk.votes, w) };
}
