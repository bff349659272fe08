/**
 * lib/report/write-checked.ts: the writers of summary.json, calibration.json, samples.json and
 * audit.json check what they write with the schema the tool reads it back with
 * (lib/report/format-schemas.ts). A bad object is refused at write time naming the file and the
 * field, and nothing is left at the path; a good one is written and reads back.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeCalibrationReport } from '../lib/report/calibration-files';
import { auditSchema, calibrationSchema, samplesSchema, summarySchema } from '../lib/report/format-schemas';
import { AUDIT_KIND, AUDIT_SCHEMA_VERSION, CALIBRATION_SCHEMA_VERSION, SAMPLES_SCHEMA_VERSION, type CalibrationReport } from '../lib/report/formats';
import { writeJsonChecked } from '../lib/report/write-checked';
import type { Check } from '../lib/schema';

const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-write-checked-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Writing `value` throws a message with every one of `parts`, and leaves no file. */
function refused(name: string, value: unknown, schema: Check<unknown>, parts: string[]): void {
  const file = path.join(dir, name);
  let message = '';
  try {
    writeJsonChecked(file, value, schema);
  } catch (err) {
    message = (err as Error).message;
  }
  for (const p of [file, 'not written', ...parts]) assert.ok(message.includes(p), `'${p}' missing from: ${message || '(nothing thrown)'}`);
  assert.not.ok(existsSync(file), `${name} was written`);
}

const samples = {
  schemaVersion: SAMPLES_SCHEMA_VERSION, counts: [1, 2], images: 1, labelledImages: 1, errors: [], warnings: [],
  rows: [{ samples: 1, meanIoU: 0.5, globalAccuracy: 0.8, ece: 0.1, agreement: 1, msPerImage: 3 }],
};

test('summary.json: a wrong sha256 and a NaN rate (null once written) are refused naming the field', () => {
  refused('summary.json', { images: [{ id: 'a', file: 'a.png', sha256: 'not-hex' }] }, summarySchema, ['images[0].sha256', "'not-hex'"]);
  refused('summary.json', { images: [], metrics: { globalAccuracy: Number.NaN, classAverageAccuracy: 0.5, meanIoU: 0.5 } }, summarySchema,
    ['metrics.globalAccuracy', 'null']);
  const file = path.join(dir, 'ok-summary.json');
  writeJsonChecked(file, { images: [] }, summarySchema);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')), { images: [] });
});

test('calibration.json: writeCalibrationReport refuses a wrong schemaVersion and a temperature of 0', () => {
  const out = mkdtempSync(path.join(dir, 'cal-'));
  const bad = { schemaVersion: CALIBRATION_SCHEMA_VERSION + 1 } as unknown as CalibrationReport;
  assert.throws(() => writeCalibrationReport(out, bad), (e: Error) => e.message.includes('schemaVersion') && e.message.includes('not written'));
  assert.not.ok(existsSync(path.join(out, 'calibration.json')));
  refused('calibration.json', { schemaVersion: CALIBRATION_SCHEMA_VERSION, model: { path: 'm.onnx', card: 'm.json', name: 'm', temperature: 0 } },
    calibrationSchema, ['model.temperature', 'got 0']);
});

test('samples.json: a sample count of 0 is refused naming counts[1]; a good result is written', () => {
  refused('samples.json', { ...samples, counts: [1, 0] }, samplesSchema, ['counts[1]', 'got 0']);
  const file = path.join(dir, 'ok-samples.json');
  writeJsonChecked(file, samples, samplesSchema);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')), samples);
});

test('audit.json: passed as a string is refused naming the field', () => {
  refused('audit.json', { schemaVersion: AUDIT_SCHEMA_VERSION, kind: AUDIT_KIND, passed: 'yes' }, auditSchema, ['passed', "'yes'"]);
});

test.run();
