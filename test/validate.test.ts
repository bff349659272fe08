import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCalibrationStats } from '../lib/metrics/calibration-stats';
import { createRandom } from '../lib/metrics/random';
import { checkRunOptions } from '../lib/run/check-options';
import { resolveServeOptions } from '../lib/server/options';
import { checkInteger, checkNumber, checkRate, MAX_BINS, MAX_PIXELS_LIMIT, MAX_SEED, numberRange, parseInteger, parseNumber, shown } from '../lib/validate';

/** Throws `kind` with exactly `message`. */
function throwsExactly(fn: () => unknown, kind: ErrorConstructor, message: string): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, kind);
    assert.is((err as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${kind.name}: ${message}`);
}

test('shown: numbers as written, text quoted, the rest as short JSON', () => {
  assert.is(shown(2.5), '2.5');
  assert.is(shown(NaN), 'NaN');
  assert.is(shown('x'), "'x'");
  assert.is(shown(undefined), 'undefined');
  assert.is(shown(null), 'null');
  assert.is(shown([1, 2]), '[1,2]');
  assert.is(shown({ a: 'b'.repeat(100) }).length, 80);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.is(shown(cyclic), '[object Object]');
});

test('checkInteger: the value back, RangeError for a number out of range, TypeError for another kind', () => {
  assert.is(checkInteger('--batch', 8, 1, 4096), 8);
  assert.is(checkInteger('--top', 1e9, 1), 1e9);
  throwsExactly(() => checkInteger('--batch', 0, 1, 4096), RangeError, '--batch must be an integer in 1..4096, got 0');
  throwsExactly(() => checkInteger('--batch', 2.5, 1, 4096), RangeError, '--batch must be an integer in 1..4096, got 2.5');
  throwsExactly(() => checkInteger('--batch', NaN, 1, 4096), RangeError, '--batch must be an integer in 1..4096, got NaN');
  throwsExactly(() => checkInteger('--top', 0, 1), RangeError, '--top must be an integer >= 1, got 0');
  throwsExactly(() => checkInteger('--top', Infinity, 1), RangeError, '--top must be an integer >= 1, got Infinity');
  throwsExactly(() => checkInteger('bins', '4', 1, 10), TypeError, "bins must be an integer in 1..10, got '4'");
  throwsExactly(() => checkInteger('bins', undefined, 1, 10), TypeError, 'bins must be an integer in 1..10, got undefined');
});

test('checkNumber: finite and within the bounds, inclusive or exclusive', () => {
  assert.is(checkNumber('t', 0.5), 0.5);
  assert.is(checkNumber('t', 0, { min: 0, below: 1 }), 0);
  throwsExactly(() => checkNumber('t', Infinity), RangeError, 't must be a finite number, got Infinity');
  throwsExactly(() => checkNumber('t', 1, { min: 0, below: 1 }), RangeError, 't must be a number in [0, 1), got 1');
  throwsExactly(() => checkNumber('t', 0, { above: 0, max: 2 }), RangeError, 't must be a number in (0, 2], got 0');
  throwsExactly(() => checkNumber('t', 3, { min: 0, max: 2 }), RangeError, 't must be a number in [0, 2], got 3');
  throwsExactly(() => checkNumber('--temperature', 0, { above: 0 }), RangeError, '--temperature must be a positive number, got 0');
  throwsExactly(() => checkNumber('v', -1, { min: 0 }), RangeError, 'v must be a number >= 0, got -1');
  throwsExactly(() => checkNumber('v', 1, { above: 1 }), RangeError, 'v must be a number > 1, got 1');
  throwsExactly(() => checkNumber('v', 5, { max: 4 }), RangeError, 'v must be a number <= 4, got 5');
  throwsExactly(() => checkNumber('v', 4, { below: 4 }), RangeError, 'v must be a number < 4, got 4');
  throwsExactly(() => checkNumber('v', null, { min: 0 }), TypeError, 'v must be a number >= 0, got null');
  assert.is(numberRange({}), 'a finite number');
});

test('checkRate: strictly between 0 and 1', () => {
  assert.is(checkRate('--dropout-rate', 0.2), 0.2);
  for (const bad of [0, 1, -0.1, NaN]) {
    throwsExactly(() => checkRate('--dropout-rate', bad), RangeError, `--dropout-rate must be a number in (0, 1), got ${bad}`);
  }
});

test('parseInteger: plain digits only, the text quoted in the message', () => {
  assert.is(parseInteger("query 'samples'", '12', 1, 50), 12);
  assert.is(parseInteger("query 'samples'", ' 7 ', 1, 50), 7);
  for (const bad of ['', ' ', '51', '0', '-3', '1e1', '0x10', '2.5', 'abc', '99999999999999999999']) {
    throwsExactly(() => parseInteger("query 'samples'", bad, 1, 50), RangeError, `query 'samples' must be an integer in 1..50, got '${bad}'`);
  }
  throwsExactly(() => parseInteger('SHARD_INDEX', 'x', 0), RangeError, "SHARD_INDEX must be an integer >= 0, got 'x'");
});

test('parseNumber: a finite number within the bounds, not blank', () => {
  assert.is(parseNumber("query 'x'", '47.5', { min: 0, below: 48 }), 47.5);
  for (const bad of ['', ' ', '48', '-1', 'NaN', 'Infinity', 'x']) {
    throwsExactly(() => parseNumber("query 'x'", bad, { min: 0, below: 48 }), RangeError, `query 'x' must be a number in [0, 48), got '${bad}'`);
  }
});

test('one range per value: --max-pixels, the seed and the bins read the same in every layer that checks them', () => {
  // --max-pixels: report's run checks and serve's options
  assert.is(checkRunOptions({ maxPixels: MAX_PIXELS_LIMIT }).maxPixels, MAX_PIXELS_LIMIT);
  assert.is(resolveServeOptions({ maxPixels: MAX_PIXELS_LIMIT }).maxPixels, MAX_PIXELS_LIMIT);
  const pixels = `--max-pixels must be an integer in 1..${MAX_PIXELS_LIMIT}, got ${MAX_PIXELS_LIMIT + 1}`;
  throwsExactly(() => checkRunOptions({ maxPixels: MAX_PIXELS_LIMIT + 1 }), RangeError, pixels);
  throwsExactly(() => resolveServeOptions({ maxPixels: MAX_PIXELS_LIMIT + 1 }), RangeError, pixels);
  // the seed: the run checks and the mask generator
  assert.is(checkRunOptions({ seed: MAX_SEED }).seed, MAX_SEED);
  assert.is(createRandom(MAX_SEED).state, MAX_SEED);
  throwsExactly(() => checkRunOptions({ seed: MAX_SEED + 1 }), RangeError, `--seed must be an integer in 0..${MAX_SEED}, got ${MAX_SEED + 1}`);
  throwsExactly(() => createRandom(MAX_SEED + 1), RangeError, `seed must be an integer in 0..${MAX_SEED}, got ${MAX_SEED + 1}`);
  // the bins: the calibration statistics take what calibrate and samples take
  assert.is(createCalibrationStats(2, { bins: MAX_BINS }).bins, MAX_BINS);
  throwsExactly(() => createCalibrationStats(2, { bins: MAX_BINS + 1 }), RangeError, `bins must be an integer in 1..${MAX_BINS}, got ${MAX_BINS + 1}`);
});

test.run();
