/**
 * audit --anomaly-labels: anomaly.SCORE.METRIC gates (bounds and changes against a baseline
 * audit), their results in audit.json, summary.md and junit.xml, and audit --from reading the
 * anomaly.json beside the calibration.json. On the tiny model with hand-made anomaly labels.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGateFlag, resolveGates } from '../lib/audit/gates';
import { metricDef } from '../lib/audit/metrics';
import { auditCalibrationFile, auditExitCode, runAudit, type AuditOptions } from '../lib/commands/audit';
import type { AnomalyReport } from '../lib/anomaly/report-file';
import { encodePng } from '../lib/image/encode';
import { makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 2 });
const anomalyLabels = path.join(project.dir, 'anomaly-labels');
mkdirSync(anomalyLabels);
project.files.forEach((file, n) => {
  const data = new Uint8Array(16 * 12).map((_, i) => ((i % 16) >= 5 + n && (i % 16) < 10 + n && Math.floor(i / 16) >= 3 && Math.floor(i / 16) < 8 ? 1 : 0));
  writeFileSync(path.join(anomalyLabels, path.basename(file)), encodePng({ width: 16, height: 12, data }));
});
const options = (out: string, gates: string[][], extra: Partial<AuditOptions> = {}): AuditOptions => ({
  model: project.model, card: project.card, inputs: [project.images], labels: project.labels, out: path.join(project.dir, out), samples: 3, seed: 4,
  gates: gates.map(([flag, spec]) => parseGateFlag(flag, spec)), anomalyLabels, minPredicted: 1, minAnomaly: 1, images: false, ...extra,
});

const names = suite('anomaly gate names');

names('anomaly.SCORE.METRIC: direction, range, and errors naming what is known', () => {
  const ap = metricDef('anomaly.entropy.ap', []);
  assert.equal([ap.key, ap.higherIsBetter, ap.fraction], ['anomaly.entropy.ap', true, true]);
  assert.is(ap.read({ metrics: {} as never, classes: [], msPerImage: null, anomaly: { entropy: { pixel: { ap: 0.4, auroc: 0.9, fpr95: 0.5 }, component: { sIoU: 0.2, ppv: 0.3, meanF1: 0.1 } } } }), 0.4);
  assert.is(ap.read({ metrics: {} as never, classes: [], msPerImage: null }), null);
  assert.is(metricDef('anomaly.maxProbability.fpr95', []).higherIsBetter, false);
  assert.is(metricDef('anomaly.variationRatio.meanF1', []).label, 'anomaly component mean F1 (variationRatio)');
  assert.throws(() => metricDef('anomaly.softmax.ap', []), (e: Error) => /anomaly score must be one of entropy, mutualInformation, variance, maxProbability, variationRatio, got "softmax"/.test(e.message));
  assert.throws(() => metricDef('anomaly.entropy.auc', []), (e: Error) => /unknown anomaly metric 'auc' \(known: ap, auroc, fpr95, sIoU, ppv, meanF1\)/.test(e.message));
  assert.throws(() => resolveGates([parseGateFlag('max-drop', 'anomaly.entropy.fpr95=0.1')], []), (e: Error) => /lower anomaly FPR95 \(entropy\) is better, so a drop is no harm; use --max-rise/.test(e.message));
  assert.throws(() => resolveGates([parseGateFlag('min', 'anomaly.entropy.ap=30')], []), (e: Error) => /a fraction in 0\.\.1, got 30/.test(e.message));
});

const audit = suite('audit --anomaly-labels');

audit('gates on the anomaly metrics: measured, in audit.json, summary.md and junit.xml, against a baseline audit, and with --from', async () => {
  const first = await runAudit(options('a1', [['min', 'anomaly.entropy.ap=0'], ['max', 'anomaly.mutualInformation.fpr95=0'], ['warn-min', 'anomaly.variance.meanF1=0']]));
  const written = JSON.parse(readFileSync(path.join(project.dir, 'a1', 'anomaly.json'), 'utf8')) as AnomalyReport;
  assert.is(first.gates[0].measured, written.scores.entropy.pixel.ap);
  assert.ok(first.gates[0].passed);
  assert.is(first.gates[1].measured, written.scores.mutualInformation.pixel.fpr95);
  assert.is(first.gates[1].passed, (written.scores.mutualInformation.pixel.fpr95 as number) <= 0);
  assert.equal(first.anomaly?.entropy.pixel.ap, written.scores.entropy.pixel.ap);
  const md = readFileSync(path.join(project.dir, 'a1', 'summary.md'), 'utf8');
  const xml = readFileSync(path.join(project.dir, 'a1', 'junit.xml'), 'utf8');
  for (const name of ['anomaly AP (entropy) &gt;= 0', 'anomaly FPR95 (mutualInformation) &lt;= 0']) assert.ok(xml.includes(name), `junit.xml: ${name}`);
  for (const name of ['anomaly AP (entropy) >= 0', 'anomaly component mean F1 (variance) >= 0']) assert.ok(md.includes(name), `summary.md: ${name}`);
  // the same images and seed against the first audit: no change
  const second = await runAudit(options('a2', [['max-drop', 'anomaly.entropy.ap=0'], ['max-rise', 'anomaly.entropy.fpr95=0']], { baseline: path.join(project.dir, 'a1') }));
  assert.equal(second.gates.map((g) => [g.change, g.passed]), [[0, true], [0, true]]);
  assert.is(auditExitCode(second), 0);
  const from = auditCalibrationFile({ from: path.join(project.dir, 'a1'), out: path.join(project.dir, 'a3'), gates: [parseGateFlag('min', 'anomaly.entropy.auroc=0')] });
  assert.is(from.gates[0].measured, written.scores.entropy.pixel.auroc);
});

audit('an anomaly gate without --anomaly-labels is a usage error before any image', async () => {
  const message = await runAudit(options('a4', [['min', 'anomaly.entropy.ap=0.3']], { anomalyLabels: undefined })).then(() => 'resolved', (e: Error) => e.message);
  assert.is(message, 'the gate on anomaly.entropy.ap needs --anomaly-labels (a folder of anomaly label PNGs)');
});

audit.after(() => project.cleanup());
names.run();
audit.run();
