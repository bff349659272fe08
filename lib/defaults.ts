/**
 * Every user-facing default of segnet-uq, one line each saying why. lib/ applies them and bin/
 * applies and prints the same constants (--help), so a default is changed here and nowhere else.
 * The lowest layer of lib/: this file imports nothing.
 */

// Sampling

/** MC dropout samples per image: CamVid val mIoU 0.6627 at 20, 0.6633 at 50, in 0.4x the time (models/README.md) */
export const DEFAULT_SAMPLES = 20;
/** seed of the dropout masks: fixed, so a rerun gives the same numbers */
export const DEFAULT_SEED = 0;
/** samples `segnet-uq samples` compares: a log-like ladder up to 50, the reference N */
export const DEFAULT_SAMPLE_COUNTS: readonly number[] = [1, 2, 5, 10, 20, 50];
/**
 * --samples auto (lib/engine/convergence.ts): the decidable share (undecided pixels that are no
 * tie at maxSamples) at most 0.03, chosen on a set off the training drive's val frames (16 frames
 * of train's 0006R0 drive, half corrupted; bench/RESULTS.md, "--samples auto off the val drive"):
 * mean N 19.5 at 0.38x of N=50's sampling time there (the v1 model), mIoU within 0.0003 and both AUROCs within
 * 0.0005 of N=50's; on 16 val frames every image stopped at 16 (0.35x). Issue 18's rule (the flip
 * share at most 0.05) stopped at mean N 27 (0.56x) there. mapTolerance is MAP_PER_FLIP (10) x
 * tolerance. The most is N=50, the reference the rule was judged against.
 */
export const AUTO_DEFAULTS = { tolerance: 0.03, mapTolerance: 0.3, maxSamples: 50, minSamples: 16, step: 8 } as const;
/**
 * --samples analytic (lib/analytic/): draws of the propagated Gaussian logits per pixel for the
 * softmax mean, entropy and MI: 4 antithetic pairs, the same for every pixel, so the maps rank
 * pixels by a fixed function of the logits' mean and variance; each draw costs a softmax at full
 * resolution (32 draws took longer than the moment pass itself on 2 cores)
 */
export const ANALYTIC_DEFAULTS = { logitSamples: 8 } as const;
/** most MC samples per image (--samples, --max-samples): above, hours per image; --samples-limit raises it on purpose */
export const LIMIT_DEFAULTS = { samplesLimit: 10_000 } as const;

// Engine

/** execution provider: the CPU one ships with onnxruntime-node and runs everywhere */
export const DEFAULT_DEVICE = 'cpu';
/** intra-op threads: 0 lets ONNX Runtime choose (one per core) */
export const DEFAULT_THREADS = 0;
/** 'mc': dropout sampled, the point of the tool ('off', one deterministic pass, is for comparison) */
export const DEFAULT_DROPOUT = 'mc';
/** test-time augmentation: 'none', or 'flip' (odd MC samples see the mirrored image; lib/engine/flip.ts) */
export const DEFAULT_TTA = 'none';
/**
 * Samples per session run by device. CPU: measured with `npm run bench -- --chunks 1,2,4,5,8`
 * (N=50, the 192x256 model shipped then, 2 cores under load; bench/RESULTS.md): K=8 took 0.61x and
 * 0.69x the time of K=1 in two sweeps, the fastest size tried in both (K=2/4/5: 0.71-0.90x);
 * batching amortises the small low-resolution convolutions of the suffix. Memory grows with K: peak
 * RSS at N=100 on the 352x480 SegNet-shaped model was 1.40 GB with K=8 (the limit is
 * 1.5 GB), so do not raise it without measuring. cuda/webgpu: not measured (no GPU was lent).
 */
export const DEFAULT_BATCH = { cpu: 8, cuda: 16, webgpu: 8 } as const;

// Images and outputs

/** pixel budget of a decode: 40 megapixels (about 120 MB of RGB) stops decompression bombs, passes camera photos */
export const DEFAULT_MAX_PIXELS = 40_000_000;
/** longest side of the maps and overlays written per image: a report page of many photos stays loadable */
export const DEFAULT_MAP_SIZE = 960;
/**
 * colour scale of the uncertainty heatmaps: 'fixed' (each map's full range, the same for every
 * image, so images compare) or 'image' (0 to this image's maximum)
 */
export const DEFAULT_MAP_SCALE: 'fixed' | 'image' = 'fixed';
/** output folder per command: each its own, so one command's run never overwrites another's */
export const DEFAULT_OUT = {
  report: 'reports/latest', calibrate: 'reports/calibrate', samples: 'reports/samples', audit: 'reports/audit', merge: 'reports/merged', conformal: 'reports/conformal', shift: 'reports/shift',
  anomaly: 'reports/anomaly',
} as const;

/** shards: images assigned by their path under the input root (no image read to assign it; 'content' survives renames) */
export const DEFAULT_SHARD_BY = 'path';
/** --rank-by: an image's score is the mean over its pixels (top10 ranks small uncertain regions higher) */
export const DEFAULT_RANK_REDUCTION = 'mean';

// Metrics

/** equal-width confidence bins of ECE and the reliability diagram: 15, the usual choice since Guo et al. (2017) */
export const DEFAULT_BINS = 15;
/** softmax temperatures the fit searches (golden section on log T): wide, so a fit at an end means a model far from calibrated (calibrate warns) */
export const TEMPERATURE_SEARCH = { lower: 0.05, upper: 20, tolerance: 1e-4 } as const;
/** labelled pixels held for the temperature fit: a seeded uniform sample, bounded so memory does not grow with the set */
export const DEFAULT_RESERVOIR_SIZE = 200_000;

// audit

/**
 * worst: images per worst-images list (a page to read, not a dump); sliceBy: CamVid-style names
 * start with their sequence ('0001TP_...'); pavpuKind: --min-pavpu on predictive entropy, the
 * uncertainty every model has
 */
export const AUDIT_DEFAULTS = { worst: 5, sliceBy: 'prefix', pavpuKind: 'entropy' } as const;

/**
 * `segnet-uq anomaly`: SegmentMeIfYouCan's component size filters of its anomaly track
 * (thresh_segsize 500: smaller predicted components are dropped; thresh_instsize 100: smaller
 * labelled ones leave the region of interest; its obstacle track uses 50 and 10); the panel
 * per image draws the predictive entropy, each half at most 480 px wide
 */
export const ANOMALY_DEFAULTS = { minPredicted: 500, minAnomaly: 100, panelScore: 'entropy', panelSize: 480 } as const;

// conformal

/**
 * `segnet-uq conformal`: LAC sets (the smaller of the two kinds for the same risk) on the pixel
 * miscoverage risk. Thresholds are searched on a fixed grid: 0, then gridPerDecade log-spaced
 * points from gridFrom to 0.01 (the small probabilities of the classes below the top one), then
 * steps of gridStep up to 1. A Mondrian class threshold needs minClassImages images holding the
 * class, else the class keeps the pooled threshold (and is flagged). The audit gate's slack is a
 * one-sided 95% normal bound (gateZ) on the mean coverage of the audit images.
 */
export const CONFORMAL_DEFAULTS = {
  method: 'lac', risk: 'miscoverage', minClassImages: 20, gridFrom: 1e-5, gridPerDecade: 30, gridStep: 1 / 300, gateZ: 1.645,
} as const;

// card

/** input size a drafted card gives a dynamic height/width: multiples of 32, a photo's 4:3 */
export const DRAFT_DEFAULTS = { height: 384, width: 512 } as const;

// serve

/**
 * `segnet-uq serve`: loopback only unless asked (port 8080, the usual development port); one
 * image at a time and 4 waiting, since one image keeps every core busy; 10 samples by default
 * and 50 at most, so a request answers in seconds; 20 MiB uploads fit a camera JPEG; results
 * kept for downloads within 16 entries and 256 MiB; maps at DEFAULT_MAP_SIZE; uploads must come
 * within 30 s, at 64 KiB/s once a 5 s grace is over, at most 8 at once (slow-client protection).
 */
export const SERVE_DEFAULTS = {
  port: 8080, host: '127.0.0.1', maxUpload: 20 * 1024 * 1024, concurrency: 1, queue: 4, samples: 10, maxSamples: 50,
  keepResults: 16, keepBytes: 256 * 1024 * 1024, displayMaxSide: DEFAULT_MAP_SIZE, uploadTimeoutMs: 30_000, maxPixels: DEFAULT_MAX_PIXELS,
  maxUploads: 8, minUploadRate: 64 * 1024, uploadGraceMs: 5000,
} as const;

// files the tool reads but did not make

/**
 * The most bytes read from each kind of file (lib/safe-read.ts): model 2 GiB, protobuf's own limit
 * for one ONNX file (larger models keep their weights outside it); card and audit config 1 MiB,
 * far above any real one; json (summary.json, calibration.json, samples.json, audit.json,
 * shard.json, --baseline, --conformal) 64 MiB, a summary.json of about 15 000 labelled images.
 */
export const READ_LIMITS = { model: 2 * 1024 ** 3, card: 1024 ** 2, config: 1024 ** 2, json: 64 * 1024 ** 2 } as const;

// shift

/**
 * corruptions: ImageNet-C's 15 less frost (its photos do not ship here), the set papers report;
 * severities: all five, the curve the command is for. A full run samples each image 1 + 14 x 5
 * times: pass fewer with --corruptions / --severities for a quick look.
 */
export const SHIFT_DEFAULTS = {
  corruptions: ['gaussian-noise', 'shot-noise', 'impulse-noise', 'defocus-blur', 'glass-blur', 'motion-blur', 'zoom-blur', 'snow', 'fog',
    'brightness', 'contrast', 'elastic-transform', 'pixelate', 'jpeg-compression'] as readonly string[],
  severities: [1, 2, 3, 4, 5] as readonly number[],
} as const;

