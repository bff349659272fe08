import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  binCount,
  binIndexer,
  binLowerEdge,
  binOf,
  createLogBinLayout,
  sparseBinsFromJSON,
  sparseBinsToJSON,
} from '../lib/metrics/log-bins';
import { throwsError } from './fixtures/throws';

const layout = createLogBinLayout(Math.log(11));

const s = suite('log bins');
s('fixed vectors: bins of known values (a change of layout is noticed)', () => {
  const ix = binIndexer(layout);
  // 2 + (log2(v) + 40) * 1024 + mantissa bin: 1 -> 2 + 40 * 1024
  assert.equal([0, -0.5, 1e-14, 2 ** -40, 1, 1.5, 2, Math.log(11), 100].map((v) => binOf(ix, v)),
    [0, 0, 1, 2, 40962, 41474, 41986, 42189, 42189]);
  assert.is(binCount(layout), 42190);
  assert.ok(Number.isNaN(binOf(ix, NaN)) && Number.isNaN(binOf(ix, Infinity)) && Number.isNaN(binOf(ix, -Infinity)));
});
s('relative width: every bin b >= 2 spans a factor 1 + 2^-10; each value lies in [lower(b), lower(b + 1))', () => {
  const ix = binIndexer(layout);
  for (let b = 2; b < binCount(layout) - 1; b += 97) {
    const lo = binLowerEdge(layout, b);
    const hi = binLowerEdge(layout, b + 1);
    assert.ok(Math.abs(hi / lo - 1) <= 2 ** -10 + 1e-12, `bin ${b}: ${lo}..${hi}`);
    assert.is(binOf(ix, lo), b);
    assert.is(binOf(ix, Math.fround(hi - (hi - lo) / 4)), b);
  }
  assert.is(binLowerEdge(layout, 2), 2 ** -40);
});
s('sparse JSON round-trips and keeps only non-empty bins', () => {
  const a = new Float64Array(10);
  const b = new Float64Array(10);
  a[3] = 5;
  b[3] = 2;
  a[9] = 1;
  const json = sparseBinsToJSON([a, b]);
  assert.equal(json, { index: [3, 9], values: [[5, 1], [2, 0]] });
  const a2 = new Float64Array(10);
  const b2 = new Float64Array(10);
  sparseBinsFromJSON('x', JSON.parse(JSON.stringify(json)) as unknown, [a2, b2]);
  assert.equal([Array.from(a2), Array.from(b2)], [Array.from(a), Array.from(b)]);
});
s('EXPECTED FAILURE: floor not a power of two, bins out of range, negative counts', () => {
  assert.throws(() => createLogBinLayout(1, { floor: 1e-9 }), (e: unknown) => e instanceof RangeError && /power of two/.test(e.message));
  throwsError(() => createLogBinLayout(1, { mantissaBits: 30 }), RangeError, /^mantissaBits must be an integer in 0\.\.16, got 30$/);
  assert.throws(() => sparseBinsFromJSON('x', { index: [10], values: [[1]] }, [new Float64Array(10)]), (e: unknown) => e instanceof RangeError && /x.index\[0\] = 10/.test(e.message));
  assert.throws(() => sparseBinsFromJSON('x', { index: [1], values: [[-1]] }, [new Float64Array(10)]), (e: unknown) => e instanceof RangeError && /not a count/.test(e.message));
  throwsError(() => sparseBinsFromJSON('x', [], [new Float64Array(10)]), TypeError, /^x must be \{ index: number\[\], values: 1 number\[\] \}$/);
});
s.run();
