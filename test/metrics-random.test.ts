import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import { throwsError } from './fixtures/throws';

const s = suite('random');
s('reproducible for a seed, in [0, 1), roughly uniform', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const xs = Array.from({ length: 20000 }, () => nextRandom(a));
  assert.equal(xs.slice(0, 10), Array.from({ length: 10 }, () => nextRandom(b)));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01);
  const r = createRandom(1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[nextInt(r, 3)]++;
  assert.ok(counts.every((n) => Math.abs(n - 1000) < 100), `${counts}`);
});
s('EXPECTED FAILURE: bad seed', () => {
  throwsError(() => createRandom(-1), RangeError, /^seed must be an integer in 0\.\.4294967295, got -1$/);
  throwsError(() => createRandom(1.5), RangeError, /^seed must be an integer in 0\.\.4294967295, got 1\.5$/);
});
s.run();
