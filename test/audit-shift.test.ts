/** audit --shift: gates on a shift condition's metrics (shift.CORRUPTION.SEVERITY.METRIC), fresh, against a baseline and --from. */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGateFlag, type GateSpec } from '../lib/audit/gates';
import { metricDef, shiftGateConditions, type MeasuredRun } from '../lib/audit/metrics';
import { auditCalibrationFile, auditExitCode, runAudit, type AuditOptions } from '../lib/commands/audit';
import { readShiftResult } from '../lib/shift/result';
import type { MetricSummary } from '../lib/metrics/types';
import { CLASS_NAMES, makeCommandProject } from './fixtures/command-project';
import { rejectsError, throwsError } from './fixtures/throws';

const names = suite('shift gate names');

const row = (corruption: string, severity: number, ece: number, meanEntropy: number) =>
  ({ corruption, severity, metrics: { calibration: { ece }, meanEntropy } as unknown as MetricSummary & { meanEntropy: number; meanMutualInformation: number } });

names('shift.CORRUPTION.SEVERITY.METRIC reads that condition\'s row; direction and range from the inner metric', () => {
  const run = { metrics: {} as MetricSummary, classes: CLASS_NAMES, msPerImage: null, shift: [row('none', 0, 0.01, 0.2), row('gaussian-noise', 3, 0.4, 0.9)] } as MeasuredRun;
  const ece = metricDef('shift.gaussian-noise.3.ece', CLASS_NAMES);
  assert.is(ece.key, 'shift.gaussian-noise.3.ece');
  assert.is(ece.label, 'ECE under gaussian-noise 3');
  assert.is(ece.higherIsBetter, false);
  assert.is(ece.read(run), 0.4);
  assert.is(metricDef('shift.gaussian_noise.3.meanEntropy', CLASS_NAMES).read(run), 0.9);
  assert.is(metricDef('shift.none.0.ece', CLASS_NAMES).read(run), 0.01);
  assert.is(metricDef('shift.fog.3.ece', CLASS_NAMES).read(run), null, 'a condition the run lacks reads null (the gate breaks)');
  assert.is(metricDef('shift.fog.3.miou', CLASS_NAMES).key, 'shift.fog.3.meanIoU');
  throwsError(() => metricDef('shift.rain.3.ece', CLASS_NAMES), RangeError, /metric shift.rain.3.ece: unknown corruption 'rain'/);
  throwsError(() => metricDef('shift.fog.6.ece', CLASS_NAMES), RangeError, /severity 6 must be 1-5/);
  throwsError(() => metricDef('shift.none.2.ece', CLASS_NAMES), RangeError, /of the clean images is 0/);
  throwsError(() => metricDef('shift.fog.2.msPerImage', CLASS_NAMES), RangeError, /msPerImage is not measured per condition/);
  assert.equal(shiftGateConditions(['ece', 'shift.fog.2.ece', 'shift.none.0.nll']), [{ corruption: 'fog', severity: 2 }, { corruption: 'none', severity: 0 }]);
});

const project = makeCommandProject({ count: 3 });
const out = path.join(project.dir, 'audit');
const gate = (flag: string, spec: string): GateSpec => parseGateFlag(flag, spec);
const base = (gates: readonly GateSpec[], extra: Partial<AuditOptions> = {}): AuditOptions =>
  ({ model: project.model, card: project.card, inputs: [project.images], labels: project.labels, out, samples: 2, gates, shift: ['gaussian-noise'], ...extra });

const audit = suite('audit --shift');

audit('runs the named corruptions at the gates\' severities into OUT/shift; gates reach summary.md and junit.xml', async () => {
  const r = await runAudit(base([gate('max', 'shift.gaussian-noise.5.ece=1'), gate('min', 'shift.gaussian-noise.5.meanIoU=1')]));
  const shift = readShiftResult(path.join(out, 'shift'));
  assert.equal(shift.result.severities, [5]);
  assert.equal(r.gates.map((g) => g.passed), [true, false]);
  assert.is(r.gates[0].measured, shift.result.rows[1].metrics.calibration.ece);
  assert.is(auditExitCode(r), 1);
  assert.match(readFileSync(path.join(out, 'summary.md'), 'utf8'), 'ECE under gaussian-noise 5');
  assert.match(readFileSync(path.join(out, 'junit.xml'), 'utf8'), 'mIoU under gaussian-noise 5');
  assert.ok(existsSync(path.join(out, 'shift', 'index.html')));
});

audit('against a baseline (its OUT/shift) and --from', async () => {
  const again = path.join(project.dir, 'audit-2');
  const r = await runAudit(base([gate('max-rise', 'shift.gaussian-noise.5.ece=0.001')], { out: again, baseline: out }));
  assert.ok(r.gates[0].passed, r.gates[0].message);
  assert.is(r.gates[0].change, 0);
  const from = auditCalibrationFile({ from: out, out: path.join(project.dir, 'audit-from'), gates: [gate('max', 'shift.gaussian-noise.5.nll=100')] });
  assert.ok(from.gates[0].passed && from.gates[0].measured !== null);
});

audit('usage errors before any image is sampled', async () => {
  const never = path.join(project.dir, 'never');
  await rejectsError(() => runAudit(base([gate('max', 'shift.gaussian-noise.5.ece=1')], { out: never, shift: undefined })), RangeError, /needs --shift CORRUPTIONS/);
  await rejectsError(() => runAudit(base([gate('max', 'shift.fog.5.ece=1')], { out: never })), RangeError, /names fog, which --shift gaussian-noise does not run/);
  assert.not.ok(existsSync(never));
});

audit.after(() => project.cleanup());
names.run();
audit.run();
