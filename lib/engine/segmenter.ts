/**
 * One object per model for the commands: reads the ONNX file and its card, compiles the MC
 * graphs, and turns image bytes into uncertainty maps.
 */
import { totalmem } from 'os';
import { checkBatchMemory, MEMORY_SHARE } from './memory-estimate';
import { createHash } from 'crypto';
import type { Device, MapsSnapshot, UncertaintyMaps } from './types';
import type { ModelCard, ResolvedModel } from '../model/types';
import type { RgbImage } from '../image/types';
import { decodePhoto } from '../image/decode-photo';
import { DEFAULT_BATCH, DEFAULT_DEVICE, DEFAULT_DROPOUT, DEFAULT_MAX_PIXELS } from '../defaults';
import type { Orientation } from '../image/exif';
import type { PhotoFormat } from '../image/formats';
import { imageToInputTensor } from '../image/preprocess';
import { resolveModel } from '../model/card';
import { ModelError, readModel } from '../onnx/model';
import { BatchingError } from '../graph/expand-boundary';
import { compileModel, CompiledModel } from './compile';
import { ConvergenceCheck, SampleCount, untilConverged } from './convergence';
import { imageKeyFromDigest } from './masks';
import { McSampler } from './sampler';
import type { Tta } from './flip';
import { checkSamplesDiffer } from './stochastic-check';
import { AnalyticPass } from '../analytic/pass';
import { parseNumber } from '../validate';

export interface SegmenterOptions {
  /** .onnx path [default: the shipped Bayesian SegNet] */
  readonly model?: string;
  /** model card path [default: the .json beside the model] */
  readonly card?: string;
  readonly device?: Device;
  readonly threads?: number;
  /** samples per suffix run [default: DEFAULT_BATCH[device]] */
  readonly batch?: number;
  /** [half the machine's RAM] bytes the batch's estimated suffix activations may take (--max-memory) */
  readonly maxMemory?: number;
  /** overrides every dropout rate, in (0, 1) */
  readonly dropoutRate?: number;
  /** extra dropout points, "TENSOR" or "TENSOR:p" */
  readonly dropoutAt?: readonly string[];
  /** 'off': dropout removed, one deterministic pass (weight averaging), for comparison [default: DEFAULT_DROPOUT] */
  readonly dropout?: 'mc' | 'off';
  /** refuse models without dropout instead of warning [default: false] */
  readonly strict?: boolean;
  /** softmax temperature [default: the card's, else 1] */
  readonly temperature?: number;
  /** refuse images with more pixels [default: DEFAULT_MAX_PIXELS] */
  readonly maxPixels?: number;
  /** test-time augmentation: 'flip' mirrors the odd-numbered samples' input [default: DEFAULT_TTA] */
  readonly tta?: Tta;
}

export interface PreparedImage {
  readonly file: string;
  /** sha256 of the file's bytes: keys the dropout masks and --resume */
  readonly digest: string;
  /** upright (EXIF orientation applied) */
  readonly image: RgbImage;
  readonly format: PhotoFormat;
  /** the EXIF orientation applied before preprocessing (1: none) */
  readonly orientation: Orientation;
  /** [1, 3, H, W] normalised model input */
  readonly input: Float32Array;
}

export interface SegmentResult {
  readonly image: RgbImage;
  readonly digest: string;
  readonly maps: UncertaintyMaps;
  /** session time of the sampling alone */
  readonly ms: number;
  /** with --samples auto: the stopping checks, the last decided N (= maps.samples) */
  readonly checks?: readonly ConvergenceCheck[];
  /** with `snapshots`: the maps at each of those counts, in order */
  readonly snapshots?: readonly MapsSnapshot[];
  /** with --samples auto and `snapshots`: the maps where the rule stopped (sampling went on to the largest snapshot) */
  readonly stop?: MapsSnapshot;
}

export interface SegmentOptions {
  /** MC samples, or 'auto' settings (lib/engine/convergence.ts) */
  readonly samples: SampleCount;
  readonly seed: number;
  /** [0] first sample index */
  readonly firstSample?: number;
  /** counts (ascending, each <= samples) at which the maps are also taken: a nested sweep (SampleOptions.snapshots) */
  readonly snapshots?: readonly number[];
  readonly onProgress?: (done: number, total: number) => void;
}

export function parseDropoutAt(spec: string): { tensor: string; rate?: number } {
  const at = spec.lastIndexOf(':');
  if (at <= 0) return { tensor: spec };
  return { tensor: spec.slice(0, at), rate: parseNumber(`--dropout-at ${spec}: rate`, spec.slice(at + 1), { above: 0, below: 1 }) };
}

export class Segmenter {
  /** set when the model has no dropout: every sample is the same */
  readonly warnings: string[] = [];
  /** choices made for the user, with the reason (the chunk size fell back to 1) */
  readonly info: string[] = [];

  /** --samples analytic's session, made on the first image that asks for it */
  private analytic: Promise<AnalyticPass> | null = null;

  private constructor(readonly modelPath: string, readonly cardPath: string, readonly card: ModelCard, readonly compiled: CompiledModel,
    readonly sampler: McSampler, private readonly maxPixels: number, private readonly makeAnalytic: () => Promise<AnalyticPass>) {}

  /** @param resolved options.model and options.card already resolved (a command that read the card before the run) */
  static async create(options: SegmenterOptions = {}, resolved: ResolvedModel = resolveModel(options.model, options.card)): Promise<Segmenter> {
    const { modelPath, cardPath, card } = resolved;
    const device = options.device ?? DEFAULT_DEVICE;
    const { model } = readModel(modelPath);
    let batch = options.batch ?? DEFAULT_BATCH[device];
    const compile = (batching: boolean): Promise<CompiledModel> => compileModel(model, {
      file: modelPath,
      inputName: card.input.name,
      outputName: card.output.name,
      inputDims: [1, 3, card.input.height, card.input.width],
      outputKind: card.output.kind,
      temperature: options.temperature ?? card.temperature ?? 1,
      rate: options.dropoutRate,
      injectAt: (options.dropoutAt ?? []).map(parseDropoutAt),
      device,
      threads: options.threads,
      batching,
      dropout: options.dropout ?? DEFAULT_DROPOUT,
    });
    let compiled: CompiledModel;
    const info: string[] = [];
    try {
      compiled = await compile(batch > 1);
    } catch (err) {
      // a default chunk size the graph cannot take: one sample per run works for every graph
      if (!(err instanceof BatchingError) || options.batch !== undefined) throw err;
      compiled = await compile(false);
      info.push(`batch 1 (one sample per session run): the graph cannot take a batch of ${batch} samples: ${err.reason}`);
      batch = 1;
    }
    if (compiled.deterministic && options.strict && options.dropout !== 'off') {
      throw new ModelError(modelPath, 'the model has no dropout before its output, so every MC sample is identical (--strict); '
        + 'add dropout with --dropout-at TENSOR[:p]');
    }
    checkBatchMemory(compiled.deterministic ? 1 : batch, compiled.suffixBytesPerSample ?? 0,
      options.maxMemory ?? Math.floor(totalmem() * MEMORY_SHARE));
    const sampler = await McSampler.create(compiled, { device, threads: options.threads, batch, tta: options.tta });
    if (options.dropout !== 'off') {
      try {
        await checkSamplesDiffer(sampler, compiled, modelPath);
      } catch (err) {
        await sampler.release();
        throw err;
      }
    }
    const makeAnalytic = (): Promise<AnalyticPass> => AnalyticPass.create(model, {
      file: modelPath, inputName: compiled.inputName, inputDims: compiled.inputDims, outputName: card.output.name ?? (model.graph?.output ?? [])[0]?.name ?? '',
      outputKind: card.output.kind, temperature: options.temperature ?? card.temperature ?? 1, rate: options.dropoutRate,
      injectAt: (options.dropoutAt ?? []).map(parseDropoutAt), dropout: options.dropout ?? DEFAULT_DROPOUT,
    }, { device, threads: options.threads });
    const seg = new Segmenter(modelPath, cardPath, card, compiled, sampler, options.maxPixels ?? DEFAULT_MAX_PIXELS, makeAnalytic);
    seg.info.push(...info);
    if (compiled.deterministic && options.dropout !== 'off') {
      seg.warnings.push(`${modelPath}: no dropout found before the output: every sample is identical and the uncertainty `
        + 'maps show only the softmax entropy (use --dropout-at TENSOR[:p] to inject dropout, or --strict to refuse)');
    }
    return seg;
  }

  /** Decodes (any format, upright) and preprocesses one image file's bytes; overlaps a running sample. */
  async prepare(bytes: Uint8Array, file: string): Promise<PreparedImage> {
    const digest = createHash('sha256').update(bytes).digest('hex');
    const { image, format, orientation } = await decodePhoto(bytes, { file, maxPixels: this.maxPixels });
    return { file, digest, image, format, orientation, input: imageToInputTensor(image, this.card.input) };
  }

  /** Samples a prepared image: N MC passes (or --samples auto) aggregated into uncertainty maps. */
  async sample(prepared: PreparedImage, options: SegmentOptions): Promise<SegmentResult> {
    if (options.samples === 'analytic') return this.sampleAnalytic(prepared, options.seed);
    const t0 = performance.now();
    const auto = typeof options.samples === 'number' ? null : untilConverged(options.samples);
    const snapshots: MapsSnapshot[] = [];
    // auto with snapshots (samples --samples auto): one loop to max(largest count, the auto N)
    const sweepTo = auto && options.snapshots?.length ? options.snapshots[options.snapshots.length - 1] : undefined;
    let stop: MapsSnapshot | undefined;
    const until = auto && sweepTo !== undefined ? { ...auto.until, sweepTo, onStop: (m: UncertaintyMaps, t: number) => { stop = { maps: m, ms: t }; } } : auto?.until;
    const maps = await this.sampler.sample(prepared.input, { samples: auto ? Math.max(auto.monitor.auto.maxSamples, sweepTo ?? 0) : options.samples as number,
      seed: options.seed, imageKey: imageKeyFromDigest(prepared.digest), firstSample: options.firstSample, onProgress: options.onProgress,
      until, snapshots: options.snapshots, onSnapshot: (m, ms) => snapshots.push({ maps: m, ms }) });
    const ms = performance.now() - t0;
    if (maps.numClasses !== this.card.classes.length) {
      throw new ModelError(this.modelPath, `the model outputs ${maps.numClasses} classes, its card lists ${this.card.classes.length}`);
    }
    return { image: prepared.image, digest: prepared.digest, maps, ms, ...(auto ? { checks: auto.monitor.checks } : {}),
      ...(options.snapshots ? { snapshots } : {}), ...(stop ? { stop } : {}) };
  }

  /** --samples analytic: one pass of the moment graph (lib/analytic/); its session is made on first use, outside the timing. */
  private async sampleAnalytic(prepared: PreparedImage, seed: number): Promise<SegmentResult> {
    this.analytic ??= this.makeAnalytic();
    const pass = await this.analytic;
    const t0 = performance.now();
    const maps = await pass.run(prepared.input, seed);
    return { image: prepared.image, digest: prepared.digest, maps, ms: performance.now() - t0 };
  }

  async release(): Promise<void> {
    await this.sampler.release();
    if (this.analytic) await (await this.analytic).release();
  }
}
