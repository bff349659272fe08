import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FIXED_CHUNK,
  createFixedSums,
  fixedSumValue,
  fixedSumValues,
  fixedSumsFromJSON,
  fixedSumsToJSON,
  mergeFixedSums,
  normalizeFixedSums,
  toFixed,
} from '../lib/metrics/fixed-sum';
import { createRandom, nextRandom } from '../lib/metrics/random';
import { throwsError } from './fixtures/throws';

function sumInto(values: number[]) {
  const s = createFixedSums(1);
  for (let start = 0; start < values.length; start += FIXED_CHUNK) {
    for (let i = start; i < Math.min(values.length, start + FIXED_CHUNK); i++) s.lo[0] += toFixed(values[i]);
    normalizeFixedSums(s);
  }
  return s;
}

const s = suite('fixed sums');
s('order and grouping do not change the sum (bit for bit)', () => {
  const r = createRandom(3);
  const values = Array.from({ length: 5000 }, () => nextRandom(r) * 30);
  const forward = sumInto(values);
  const backward = sumInto(values.slice().reverse());
  const merged = mergeFixedSums(sumInto(values.slice(0, 1234)), sumInto(values.slice(1234)));
  assert.equal(fixedSumsToJSON(forward), fixedSumsToJSON(backward));
  assert.equal(fixedSumsToJSON(merged), fixedSumsToJSON(forward));
  const plain = values.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(fixedSumValue(forward, 0) - plain) < 5000 * 2 ** -25 + 1e-9);
});
s('carries: sums far beyond 2^53 units stay exact', () => {
  const sums = createFixedSums(2);
  for (let round = 0; round < 64; round++) {
    sums.lo[0] += toFixed(31.5) * FIXED_CHUNK; // the most a chunk may add
    sums.lo[1] -= toFixed(31.5) * FIXED_CHUNK;
    normalizeFixedSums(sums);
  }
  const values = fixedSumValues(sums);
  assert.is(values[0], 31.5 * FIXED_CHUNK * 64);
  assert.is(values[1], -31.5 * FIXED_CHUNK * 64);
  assert.ok(Math.abs(sums.lo[0]) < 2 ** 40);
});
s('JSON round-trip; EXPECTED FAILURE on bad JSON', () => {
  const a = sumInto([0.25, 1e-3, 7]);
  assert.equal(fixedSumsToJSON(fixedSumsFromJSON('x', JSON.parse(JSON.stringify(fixedSumsToJSON(a))) as unknown, 1)), fixedSumsToJSON(a));
  throwsError(() => fixedSumsFromJSON('x', { hi: [0], lo: [0, 1] }, 1), RangeError, /^x\.lo must have length 1, got 2$/);
  throwsError(() => fixedSumsFromJSON('x', { hi: ['a'], lo: [0] }, 1), TypeError, /^x\.hi\[0\] must be a finite number, got 'a'$/);
});
s.run();
