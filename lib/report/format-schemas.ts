/**
 * The schemas of the JSON files segnet-uq reads back (lib/schema.ts), one per format, beside
 * their types (./formats.ts, ./summary.ts, lib/shard/manifest.ts): summary.json, calibration.json,
 * samples.json, audit.json, shard.json. Another run's file is untrusted (issue 25): counts must be
 * non-negative integers, rates in 0..1, per-class arrays one entry per class, paths strings; a
 * field read without a check crashed on a wrong type ('v.toPrecision is not a function') or let
 * a tampered number through (a baseline mIoU of -5 passed every drop gate). Fields no reader
 * uses are left free, so files of a newer writer with more fields still read.
 */
import { any, arr, bool, count, either, fail, int, literal, matching, nullable, num, obj, rate, record, str, type Check } from '../schema';
import { MAX_SEED } from '../validate';
import { AUDIT_KIND, AUDIT_SCHEMA_VERSION, CALIBRATION_SCHEMA_VERSION, SAMPLES_SCHEMA_VERSION } from './formats';
import { SCHEMA_VERSION } from './summary';

const nonNegative = num({ min: 0 });
const maybeRate = nullable(rate);
const sha256 = matching(/^[0-9a-f]{64}$/, 'a sha256 (64 hex digits)');
const error = obj({ file: str, message: str });
const classCount = int(1, 256);

/** N, { auto: {...} }, or 'analytic' (SamplesSetting, lib/report/summary.ts) */
export const samplesSetting = either("a sample count, { auto } or 'analytic'", int(1, Number.MAX_SAFE_INTEGER),
  obj({ auto: obj({ tolerance: rate, maxSamples: int(1, Number.MAX_SAFE_INTEGER), minSamples: int(1, Number.MAX_SAFE_INTEGER), step: int(1, Number.MAX_SAFE_INTEGER) }) }),
  literal('analytic'));

const pavpuPoint = obj({ pavpu: maybeRate }, { nAC: count, nAU: count, nIC: count, nIU: count, pAccurateGivenCertain: maybeRate, pUncertainGivenInaccurate: maybeRate });
const kindSummary = obj({ auroc: maybeRate, aupr: maybeRate, ause: nullable(num()), pavpu: obj({ best: pavpuPoint, fixed: pavpuPoint, labelFree: pavpuPoint }) });

/** MetricSummary (lib/metrics/types.ts): what gates and pages read of a run's metrics. */
export const metricSummary: Check<unknown> = (v, at) => {
  const m = obj({
    numClasses: classCount, images: count, pixels: count,
    globalAccuracy: maybeRate, classAverageAccuracy: maybeRate, meanIoU: maybeRate,
    calibration: obj({ ece: maybeRate, mce: maybeRate, adaptiveEce: maybeRate, classwiseEce: maybeRate, brier: nullable(num({ min: 0, max: 2 })), nll: nullable(nonNegative) }),
    uncertainty: obj({ entropy: kindSummary, mutualInformation: kindSummary, variance: kindSummary }),
  })(v, at);
  arr(obj({ index: int(0, 255), iou: maybeRate, accuracy: maybeRate, frequency: maybeRate }), { length: m.numClasses })((v as { perClass: unknown }).perClass, `${at}.perClass`);
  return v;
};

/** One image entry of summary.json; `confusion`, when there, is C x C counts. */
const reportImage = obj({ id: str, file: str, sha256 }, {
  width: int(1), height: int(1), meanEntropy: nonNegative, ms: nonNegative, samples: int(1), outputs: record(either('a path or the .npy paths', str, record(str))),
  metrics: obj({ globalAccuracy: rate, meanIoU: maybeRate }, { confusion: arr(count) }),
});

/** summary.json (ReportSummary); the confusion arrays of its images must be one C x C shape. */
export const summarySchema: Check<unknown> = (v, at) => {
  const s = obj({ images: arr(reportImage) }, {
    schemaVersion: literal(SCHEMA_VERSION), complete: bool, errors: arr(error), warnings: arr(str), seed: int(0, MAX_SEED), samples: samplesSetting, settings: obj({ card: obj({ path: str, sha256: str }), model: obj({ path: str, sha256: str }) }),
    metrics: obj({ globalAccuracy: rate, classAverageAccuracy: rate, meanIoU: rate }, { perClass: arr(obj({ class: str })) }),
    ranking: any,
  })(v, at);
  let size: number | undefined;
  (s.images as { metrics?: { confusion?: number[] } }[]).forEach((image, i) => {
    const n = image.metrics?.confusion?.length;
    if (n === undefined) return;
    const c = Math.round(Math.sqrt(n));
    const where = `images[${i}].metrics.confusion.length`;
    if (c * c !== n || c < 1 || c > 256) fail(where, 'C x C for C classes (1..256)', n);
    if (size !== undefined && n !== size) fail(where, `${size}, as the images before`, n);
    size = n;
  });
  const perClass = (s.metrics as { perClass?: unknown[] } | undefined)?.perClass;
  if (perClass && size !== undefined && perClass.length ** 2 !== size) fail('metrics.perClass.length', `${Math.round(Math.sqrt(size))}, the images' classes`, perClass.length);
  return v;
};

/** a shard's summary.json, which a merge adds up: summarySchema with its header, errors and warnings */
export const shardSummarySchema: Check<unknown> = (v, at) =>
  summarySchema(obj({ schemaVersion: literal(SCHEMA_VERSION), complete: bool, errors: arr(error), warnings: arr(str) })(v, at), at);

/** calibration.json without its stats, which metricStatsFromJSON checks; classes and metrics agree in length. */
export const calibrationSchema: Check<unknown> = (v, at) => {
  const c = obj({
    schemaVersion: literal(CALIBRATION_SCHEMA_VERSION),
    model: obj({ path: str, card: str, name: str, temperature: num({ above: 0 }) }),
    samples: samplesSetting, seed: int(0, MAX_SEED), bins: int(1), labels: str, ignoreIndex: nullable(int(0, 255)),
    classes: arr(str, { max: 256 }), metrics: metricSummary, errors: arr(error),
  }, { mergedFrom: arr(str), stats: any })(v, at);
  const n = (c.metrics as { numClasses: number }).numClasses;
  if (c.classes.length !== n) fail(`${at ? `${at}.` : ''}classes.length`, `${n}, metrics.numClasses`, c.classes.length);
  return v;
};

const identity = obj({ card: str, classes: arr(str, { max: 256 }), ignoreIndex: nullable(int(0, 255)), samples: samplesSetting });
const imageRecord = obj({ name: str, sha256: nullable(sha256), meanIoU: maybeRate, meanEntropy: nullable(nonNegative) });
const gate = obj({
  name: str, metric: str, label: str, kind: literal('min', 'max', 'max-drop', 'max-rise', 'max-slice-gap'), severity: literal('fail', 'warn'),
  threshold: nullable(num()), allowedChange: nullable(obj({ value: num({ min: 0 }), relative: bool })), passed: bool,
});

/** AnomalyScores (./formats.ts): per anomaly score, what audit gates read of anomaly.json's scores. */
export const anomalyScoresSchema = record(obj({
  pixel: obj({ ap: maybeRate, auroc: maybeRate, fpr95: maybeRate }), component: obj({ sIoU: maybeRate, ppv: maybeRate, meanF1: maybeRate }),
}));

/** audit.json (AuditResult), as a --baseline and a shard's audit read it. */
export const auditSchema = obj({
  schemaVersion: literal(AUDIT_SCHEMA_VERSION), kind: literal(AUDIT_KIND), passed: bool, failOnWarn: bool, gates: arr(gate),
  run: identity, metrics: metricSummary, msPerImage: nullable(nonNegative),
}, {
  imageRecords: arr(imageRecord), slices: arr(obj({ property: str, name: str, images: count, values: record(nullable(num())) })),
  baseline: nullable(obj({ file: str })), anomaly: anomalyScoresSchema,
});

/** samples.json (SamplesResult), as a shard's is read. */
export const samplesSchema = obj({
  schemaVersion: literal(SAMPLES_SCHEMA_VERSION), counts: arr(int(1)), images: count, labelledImages: count, errors: arr(error), warnings: arr(str),
  rows: arr(obj({ samples: num({ min: 1 }), meanIoU: maybeRate, globalAccuracy: maybeRate, ece: maybeRate, agreement: maybeRate, msPerImage: nullable(nonNegative) })),
});
