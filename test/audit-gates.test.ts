import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateGate, gatesPass, parseGateFlag, resolveGates, verdictOf, type GateContext, type GateSpec } from '../lib/audit/gates';
import { metricDef, type MeasuredRun } from '../lib/audit/metrics';
import type { MetricSummary } from '../lib/metrics/types';

const CLASSES = ['Sky', 'Road'];

/** A summary with only the fields the gates read. */
function run(meanIoU: number | null, ece: number, ms: number | null, roadIou: number | null = 0.9): MeasuredRun {
  const kind = { auroc: 0.8, aupr: 0.3, ause: 0.05, pavpu: { fixed: { pavpu: 0.7 }, best: { pavpu: 0.75 } } };
  const metrics = {
    meanIoU, globalAccuracy: 0.9, classAverageAccuracy: 0.8,
    perClass: [{ index: 0, iou: 0.8 }, { index: 1, iou: roadIou }],
    calibration: { ece, adaptiveEce: ece, classwiseEce: ece, mce: 0.1, nll: 0.3, brier: 0.1 },
    uncertainty: { entropy: kind, mutualInformation: { ...kind, auroc: 0.7 }, variance: kind },
  } as unknown as MetricSummary;
  return { metrics, classes: CLASSES, msPerImage: ms };
}

const ctx = (current: MeasuredRun, baseline: MeasuredRun | null): GateContext => ({ run: current, baseline, slices: [], overall: {} });
const one = (spec: GateSpec, c: GateContext) => evaluateGate(spec, resolveGates([spec], CLASSES)[0], c);

const parse = suite('parseGateFlag and metric names');

parse('METRIC=VALUE, relative with %, severity from the warn- prefix', () => {
  assert.equal(parseGateFlag('max-drop', 'meanIoU=0.01'), { metric: 'meanIoU', kind: 'max-drop', value: 0.01, relative: false, severity: 'fail' });
  assert.equal(parseGateFlag('warn-max-rise', 'ece=10%'), { metric: 'ece', kind: 'max-rise', value: 0.1, relative: true, severity: 'warn' });
  assert.equal(parseGateFlag('min', 'iou:a=b=0.5').metric, 'iou:a=b');
});

parse('EXPECTED FAILURE: bad specs name the flag', () => {
  assert.throws(() => parseGateFlag('max-drop', 'meanIoU'), /--max-drop must be METRIC=VALUE/);
  assert.throws(() => parseGateFlag('max-drop', 'meanIoU=x'), /METRIC=VALUE/);
  assert.throws(() => parseGateFlag('max-drop', 'meanIoU=-1'), /must be a number >= 0/);
  assert.throws(() => parseGateFlag('min', 'meanIoU=5%'), /relative .* for --max-drop and --max-rise only/);
  assert.throws(() => parseGateFlag('max-fall', 'meanIoU=1'), /unknown gate --max-fall/);
  assert.throws(() => resolveGates([parseGateFlag('min', 'meanIoU=1.5')], CLASSES), /fraction in 0..1/);
  assert.throws(() => resolveGates([parseGateFlag('min', 'mIoUx=0.5')], CLASSES), /unknown metric 'mIoUx' \(known: meanIoU/);
  assert.throws(() => resolveGates([parseGateFlag('min', 'iou:Bus=0.5')], CLASSES), /no class 'Bus' in the model card \(classes: Sky, Road\)/);
  assert.throws(() => resolveGates([parseGateFlag('min', 'auroc:foo=0.5')], CLASSES), /unknown uncertainty 'foo'/);
  assert.throws(() => resolveGates([parseGateFlag('max-slice-gap', 'ece=0.1')], CLASSES), /slices measure/);
});

parse('metric names: aliases, per-kind defaults, class by index', () => {
  assert.is(metricDef('miou', CLASSES).key, 'meanIoU');
  assert.is(metricDef('auroc', CLASSES).key, 'auroc:entropy');
  assert.is(metricDef('auroc:mi', CLASSES).read(run(0.5, 0.01, 1)), 0.7);
  assert.is(metricDef('iou:1', CLASSES).key, 'iou:Road');
  assert.is(metricDef('pavpu:variance', CLASSES).read(run(0.5, 0.01, 1)), 0.7);
  assert.is(metricDef('ause', CLASSES).higherIsBetter, false);
});
parse.run();

const evaluate = suite('evaluateGate');

evaluate('max-drop: absolute and relative, at the boundary', () => {
  const b = run(0.6, 0.01, 100);
  const drop = parseGateFlag('max-drop', 'meanIoU=0.05');
  assert.ok(one(drop, ctx(run(0.55, 0.01, 100), b)).passed, 'a drop of exactly the allowance holds');
  const broken = one(drop, ctx(run(0.54, 0.01, 100), b));
  assert.not.ok(broken.passed);
  assert.ok(Math.abs((broken.change as number) + 0.06) < 1e-12);
  assert.is(broken.baseline, 0.6);
  assert.equal(broken.allowedChange, { value: 0.05, relative: false });
  assert.is(broken.threshold, null);
  assert.match(broken.message, /change -0.06; allowed drop 0.05: broken/);
  const rel = parseGateFlag('max-drop', 'meanIoU=10%');
  assert.ok(one(rel, ctx(run(0.541, 0.01, 100), b)).passed, '0.059 < 10% of 0.6');
  assert.not.ok(one(rel, ctx(run(0.539, 0.01, 100), b)).passed);
  assert.ok(one(drop, ctx(run(0.9, 0.01, 100), b)).passed, 'a rise is no harm');
});

evaluate('max-rise on a lower-is-better metric; ms per image relative', () => {
  const b = run(0.6, 0.01, 100);
  assert.not.ok(one(parseGateFlag('max-rise', 'ece=0.005'), ctx(run(0.6, 0.0151, 100), b)).passed);
  assert.ok(one(parseGateFlag('max-rise', 'ece=0.005'), ctx(run(0.6, 0.001, 100), b)).passed);
  assert.ok(one(parseGateFlag('max-rise', 'msPerImage=20%'), ctx(run(0.6, 0.01, 119), b)).passed);
  assert.not.ok(one(parseGateFlag('max-rise', 'msPerImage=20%'), ctx(run(0.6, 0.01, 121), b)).passed);
});

evaluate('undefined values break the gate: no baseline, no labelled pixel of a class', () => {
  const g = one(parseGateFlag('max-drop', 'meanIoU=0.05'), ctx(run(0.6, 0.01, 100), null));
  assert.not.ok(g.passed);
  assert.match(g.message, /needs --baseline/);
  const c = one(parseGateFlag('min', 'iou:Road=0.1'), ctx(run(0.6, 0.01, 100, null), null));
  assert.not.ok(c.passed);
  assert.is(c.measured, null);
});

evaluate('max-slice-gap: the whole set minus the worst slice', () => {
  const c: GateContext = {
    run: run(0.6, 0.01, 1), baseline: null, overall: { meanIoU: 0.6 },
    slices: [{ name: 'a', images: 3, values: { meanIoU: 0.65 } }, { name: 'b', images: 2, values: { meanIoU: 0.48 } }, { name: 'c', images: 1, values: { meanIoU: null } }],
  };
  const g = one(parseGateFlag('max-slice-gap', 'meanIoU=0.1'), c);
  assert.not.ok(g.passed);
  assert.is(g.slice, 'b');
  assert.ok(Math.abs((g.change as number) + 0.12) < 1e-12);
  assert.ok(one(parseGateFlag('max-slice-gap', 'meanIoU=0.12'), c).passed);
});

evaluate('severity: a broken warn gate passes unless failOnWarn', () => {
  const warn = one(parseGateFlag('warn-min', 'meanIoU=0.9'), ctx(run(0.6, 0.01, 1), null));
  assert.is(verdictOf(warn, false), 'warn');
  assert.is(verdictOf(warn, true), 'fail');
  assert.ok(gatesPass([warn], false));
  assert.not.ok(gatesPass([warn], true));
  const fail = one(parseGateFlag('min', 'meanIoU=0.9'), ctx(run(0.6, 0.01, 1), null));
  assert.not.ok(gatesPass([warn, fail], false));
});
evaluate.run();
