/**
 * lib/format.ts: numbers by kind (issue 31, friction 9). float32 values are checked against
 * numpy's shortest round-trip form of a float32 (format_float_positional(unique=True)).
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCount, formatFloat32, formatMs, formatNumber, formatRate, formatSigned, metricKind } from '../lib/format';
import { binAxisTitle } from '../lib/report/overview';
import { PYTHON, pythonHas } from './fixtures/python-check';

test('counts and milliseconds are whole numbers', () => {
  assert.is(formatMs(3572.346), '3572');
  assert.is(formatMs(3000), '3000');
  assert.is(formatCount(2.5), '3');
  assert.is(formatNumber(null, 'ms'), '–');
  assert.is(formatNumber(Number.NaN, 'count'), '–');
});

test('rates at 4 significant digits, no exponent from 1e-6 up, no trailing zeros', () => {
  assert.is(formatRate(0.63221), '0.6322');
  assert.is(formatRate(0.0191349), '0.01913');
  assert.is(formatRate(0.000791), '0.000791');
  assert.is(formatRate(0.06), '0.06');
  assert.is(formatRate(12345.6), '12350');
  assert.is(formatSigned(-0.0840000001, 'rate'), '-0.084');
  assert.is(formatSigned(0.012, 'rate'), '+0.012');
  assert.is(formatSigned(null, 'rate'), '–');
  assert.is(metricKind('msPerImage'), 'ms');
  assert.is(metricKind('meanIoU'), 'rate');
});

test('float32 values at float32 precision: 0.30000001192092896 prints as 0.3', () => {
  assert.is(formatFloat32(0.30000001192092896), '0.3');
});

if (!pythonHas('numpy')) console.log('  SKIPPED format numpy comparison: no numpy in /usr/bin/python3');
else test('float32 values at float32 precision: the same text numpy prints for the float32', () => {
  const values = [0.3, 0.1, 0.5, 0.2, 0.25, 0.123456789, 1 / 3, 0.7, 1e-3, 0.999, 0.05];
  const script = `import json,sys,numpy as np\nprint(json.dumps([np.format_float_positional(np.float32(v), unique=True, trim='-') for v in json.loads(sys.argv[1])]))`;
  const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(values.map((v) => Math.fround(v)))], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.equal(values.map((v) => formatFloat32(Math.fround(v))), JSON.parse(r.stdout) as string[]);
});

test('a histogram axis names its unit once, last: "mean entropy, bin centre (nats)", not "mean entropy (nats) (bin centre)"', () => {
  assert.is(binAxisTitle('mean entropy (nats)'), 'mean entropy, bin centre (nats)');
  assert.is(binAxisTitle('variation ratio'), 'variation ratio, bin centre');
});

test.run();
