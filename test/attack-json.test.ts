/**
 * Attacks on the JSON files of other runs (issue 25, parts 2 and 11): tampered numbers, wrong
 * types and prototype keys in calibration.json, summary.json, audit.json, shard.json and a
 * --baseline. Each was taken before (merged with exit 0, passed a gate, or crashed with an
 * internal message such as 'v.toPrecision is not a function'); each is now refused naming the
 * file, the field and the value. In-process and small: no model runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { comparableBaseline, imagesOfSummary, readBaseline } from '../lib/audit/baseline';
import { checkAuditGates, parseGateFlag } from '../lib/audit/gates';
import { metricDef } from '../lib/audit/metrics';
import { parseAuditConfig } from '../lib/audit/config';
import { addImage, createMetricStats, metricStatsToJSON } from '../lib/metrics/metric-stats';
import { summarizeMetrics } from '../lib/metrics/summary';
import { readJsonFile } from '../lib/json-file';
import { readCalibrationReport } from '../lib/report/calibration-files';
import { shardSummarySchema } from '../lib/report/format-schemas';
import { AUDIT_KIND, AUDIT_SCHEMA_VERSION } from '../lib/report/formats';
import { previousImages } from '../lib/report/resume';
import type { ReportSettings } from '../lib/report/summary';
import { readShardManifest } from '../lib/shard/manifest';
import { readResult } from '../lib/shard/merge-checks';
import { randomImage, C, IGNORE } from './fixtures/random-metric-image';
import { tempDir } from './fixtures/report-inputs';

const CLASSES = Array.from({ length: C }, (_, i) => `k${i}`);
const SHA = 'ab'.repeat(32);

/** A calibration.json of two random images, as calibrate writes it. */
function calibration(): Record<string, unknown> {
  const stats = createMetricStats({ numClasses: C, ignoreIndex: IGNORE });
  addImage(stats, randomImage(1, 16, 12));
  addImage(stats, randomImage(2, 16, 12));
  return {
    schemaVersion: 2, tool: { name: 'segnet-uq', version: '0' }, createdAt: 'now', model: { path: 'm.onnx', card: 'm.json', name: 'm', temperature: 1 },
    samples: 5, seed: 0, bins: 15, labels: 'labels', ignoreIndex: IGNORE, classes: CLASSES, metrics: summarizeMetrics(stats), temperature: null,
    charts: {}, stats: metricStatsToJSON(stats), errors: [],
  };
}

/** `value` written as NAME in a fresh folder; returns the file. */
function write(name: string, value: unknown): string {
  const dir = tempDir();
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** The message `f` throws, which must match every pattern. */
function refused(f: () => unknown, ...patterns: (RegExp | string)[]): string {
  let message = '';
  assert.throws(f, (e: Error) => {
    message = e.message;
    return true;
  });
  for (const p of patterns) assert.ok(typeof p === 'string' ? message.includes(p) : p.test(message), `'${message}' lacks ${p}`);
  return message;
}

test('calibration.json: a count of 1e308 or -1 in the stats is refused naming the field (merged with exit 0 before)', () => {
  for (const bad of [1e308, -1, 0.5]) {
    const c = calibration();
    ((c.stats as { confusion: { counts: number[] } }).confusion.counts)[7] = bad;
    const file = write('calibration.json', c);
    refused(() => readCalibrationReport(file), file, 'confusion.counts[7] must be an integer in 0..9007199254740991', `got ${bad}`);
  }
  const c = calibration();
  (c.metrics as { meanIoU: unknown }).meanIoU = 'high';
  const file = write('calibration.json', c);
  refused(() => readCalibrationReport(file), `${file}: metrics.meanIoU must be a number in [0, 1], got 'high'`);
  const wrongClasses = calibration();
  wrongClasses.classes = ['a', 'b', 'c'];
  refused(() => readCalibrationReport(write('calibration.json', wrongClasses)), 'classes.length must be 5, metrics.numClasses, got 3');
});

test('--baseline: mIoU -5 is refused (made --max-drop meanIoU=0.01 PASS); a string is refused (v.toPrecision is not a function)', () => {
  for (const [bad, shown] of [[-5, '-5'], ['0.9', "'0.9'"]] as const) {
    const c = calibration();
    (c.metrics as { meanIoU: unknown }).meanIoU = bad;
    const file = write('calibration.json', c);
    refused(() => readBaseline(file), `--baseline ${file}: metrics.meanIoU must be a number in [0, 1], got ${shown}`);
  }
});

test('--baseline: a null mIoU with a gate on it is a usage error before any work (exit 2; it was exit 1 after the run)', () => {
  const c = calibration();
  (c.metrics as { meanIoU: unknown }).meanIoU = null;
  const file = write('calibration.json', c);
  const identity = { card: 'm', classes: CLASSES, ignoreIndex: IGNORE, samples: 5 };
  refused(() => comparableBaseline(file, identity, [parseGateFlag('max-drop', 'meanIoU=0.01')]), `--baseline ${file}: records no mIoU`);
  assert.ok(comparableBaseline(file, identity, [parseGateFlag('max-rise', 'ece=0.01')]), 'a gate on a metric it has is fine');
  refused(() => checkAuditGates([parseGateFlag('max-drop', 'meanIoU=0.01')], false, CLASSES), '--max-drop meanIoU compares with a baseline run: give --baseline');
});

test('audit.json as --baseline: imageRecords not an array, a metric of the wrong type (baseline.images.map is not a function before)', () => {
  const c = calibration();
  const audit = {
    schemaVersion: AUDIT_SCHEMA_VERSION, kind: AUDIT_KIND, passed: true, failOnWarn: false, gates: [], metrics: c.metrics,
    run: { card: 'm', classes: CLASSES, ignoreIndex: null, samples: 5 }, msPerImage: 3, imageRecords: {},
  };
  const file = write('audit.json', audit);
  refused(() => readBaseline(file), `--baseline ${file}: imageRecords must be an array, got {}`);
  const summary = write('summary.json', { images: { length: 3 } });
  refused(() => imagesOfSummary(summary), `${summary}: images must be an array`);
});

test('prototype keys anywhere in a JSON file, and as a metric name on the command line, are refused by name', () => {
  const file = write('x.json', '{"a": [{"b": 1, "__proto__": {"polluted": true}}]}');
  refused(() => readJsonFile(file), `${file}: a[0].__proto__ must be absent (a prototype key), got {"polluted":true}`);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  refused(() => readJsonFile(write('y.json', '{"constructor": 1}')), 'constructor must be absent');
  // 'canonical.indexOf is not a function' before: the lookup found Object.prototype's
  for (const name of ['__proto__', 'constructor', 'toString']) refused(() => metricDef(name, CLASSES), `unknown metric '${name}'`);
  refused(() => checkAuditGates([parseGateFlag('min', '__proto__=1')], false, CLASSES), "unknown metric '__proto__'");
  refused(() => parseAuditConfig({ constructor: 1 }, 'c.json'), "unknown key 'constructor'");
});

test('--resume over a summary.json with a null image: the file and the field, not "Cannot read properties of null"', () => {
  const out = tempDir();
  writeFileSync(path.join(out, 'summary.json'), JSON.stringify({ schemaVersion: 1, images: [null], settings: {} }));
  refused(() => previousImages(out, {} as ReportSettings), `--resume ${path.join(out, 'summary.json')}: images[0] must be an object, got null`);
});

test('a shard\'s summary.json: negative or mismatched confusion counts, outputs that are not paths', () => {
  const image = (confusion: unknown, outputs: unknown = { photo: 'images/a/photo.png' }): unknown => ({ id: 'a', file: 'a.png', sha256: SHA, outputs, metrics: { globalAccuracy: 0.5, meanIoU: 0.5, confusion } });
  const summary = (images: unknown[]): unknown => ({ schemaVersion: 1, complete: true, images, errors: [], warnings: [] });
  const dir = (value: unknown): string => path.dirname(write('summary.json', value));
  const read = (d: string): unknown => readResult(d, 'summary.json', 1, shardSummarySchema);
  let d = dir(summary([image([1, 2, 3, -4])]));
  refused(() => read(d), `${path.join(d, 'summary.json')}: images[0].metrics.confusion[3] must be an integer in 0..9007199254740991, got -4`);
  // 'different array lengths: 121 vs 3' before, with no file named
  d = dir(summary([image([1, 2, 3, 4]), image([1, 2, 3, 4, 5, 6, 7, 8, 9])]));
  refused(() => read(d), 'summary.json: images[1].metrics.confusion.length must be 4, as the images before, got 9');
  d = dir(summary([image([1, 2, 3], { photo: 7 })]));
  refused(() => read(d), 'images[0].outputs.photo must be a path or the .npy paths, got 7');
  d = dir(summary([image([1, 2, 3, 4])]));
  assert.ok(read(d), 'a sound file reads');
});

test('shard.json: an index past the count, a root past the inputs, a key that is not text', () => {
  const manifest = (shard: unknown, images: unknown[]): unknown => ({ schemaVersion: 1, shard, inputs: ['in'], totalImages: 1, settings: {}, images });
  const ok = { root: 0, key: 'a.png', file: 'in/a.png', sha256: SHA };
  for (const [value, pattern] of [
    [manifest({ index: 3, count: 2, by: 'path' }, [ok]), 'shard.index must be below shard.count 2, got 3'],
    [manifest({ index: 0, count: 2, by: 'path' }, [{ ...ok, root: 4 }]), 'images[0].root must be below inputs.length 1, got 4'],
    [manifest({ index: 0, count: 2, by: 'path' }, [{ ...ok, key: ['..'] }]), 'images[0].key must be a string'],
  ] as const) {
    const d = path.dirname(write('shard.json', value));
    refused(() => readShardManifest(d), path.join(d, 'shard.json'), pattern);
  }
});

test.run();
