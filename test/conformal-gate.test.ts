/**
 * audit's coverage gate (lib/conformal/gate.ts): the slack is z * sd / sqrt(m) with z the 95%
 * normal quantile and sd the images' sample standard deviation, both checked against scipy/numpy;
 * the gate holds within the slack, breaks beyond it, and says so with the numbers.
 */
import { spawnSync } from 'child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { conformalMetrics } from '../lib/conformal/apply';
import { checkMinCoverage, coverageGate, coverageSlack } from '../lib/conformal/gate';
import { CONFORMAL_DEFAULTS } from '../lib/defaults';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { throwsError } from './fixtures/throws';

const coverages = [0.91, 0.88, 0.95, 0.9, 0.86, 0.93, 0.89, 0.92];
const metrics = conformalMetrics(coverages.map((c) => ({ conformal: { meanSetSize: 1.2, ambiguous: 0.1, coverage: c } })), ['a']);

const SCIPY = pythonHas('numpy', 'scipy');
if (!SCIPY) console.log('  SKIPPED conformal-gate scipy check: /usr/bin/python3 has no numpy/scipy');
if (SCIPY) test('the slack: scipy 95% normal quantile, numpy sample sd', () => {
  const run = spawnSync(PYTHON, ['-c', `import json,numpy as np;from scipy.stats import norm
c=np.array(${JSON.stringify(coverages)});print(json.dumps([norm.ppf(0.95),c.mean(),c.std(ddof=1)]))`], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const [z, mean, sd] = JSON.parse(run.stdout) as number[];
  assert.ok(Math.abs(CONFORMAL_DEFAULTS.gateZ - z) < 1e-3);
  assert.ok(Math.abs((metrics?.coverage as number) - mean) < 1e-12);
  assert.ok(Math.abs((metrics?.coverageStd as number) - sd) < 1e-12);
  assert.ok(Math.abs(coverageSlack(metrics?.coverageStd ?? null, 8) - (CONFORMAL_DEFAULTS.gateZ * sd) / Math.sqrt(8)) < 1e-12);
});

test('holds within the slack, breaks beyond it, stating the slack', () => {
  const mean = metrics?.coverage as number;
  const slack = coverageSlack(metrics?.coverageStd ?? null, 8);
  const within = coverageGate(mean + slack * 0.9, metrics);
  assert.ok(within.passed, within.message);
  const beyond = coverageGate(mean + slack * 1.1, metrics);
  assert.not.ok(beyond.passed);
  assert.match(beyond.message, /more than the finite-sample slack 0\.0\d+ = 1\.645 x sd .* \/ sqrt\(8 images\)/);
  assert.match(beyond.message, /drift/);
  assert.not.ok(coverageGate(0.9, undefined).passed);
});

test('--min-coverage needs a fraction and a --conformal file', () => {
  throwsError(() => checkMinCoverage(1.5, 'x.json'), RangeError, '--min-coverage must be a number in [0, 1], got 1.5');
  throwsError(() => checkMinCoverage(0.9, undefined), RangeError, 'give the conformal.json');
  assert.is(checkMinCoverage(0.9, 'x.json'), 0.9);
});

test.run();
