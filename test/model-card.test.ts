/** lib/model/card.ts: every problem of a card names the field and its real range. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateCard } from '../lib/model/card';

const card = (input: Record<string, unknown>): unknown => ({
  name: 'c', classes: [{ name: 'a', color: [10, 10, 10] }, { name: 'b', color: [1, 1, 1] }],
  input: { width: 8, height: 8, mean: [0, 0, 0], std: [1, 1, 1], ...input },
});

test('a width above 16384 names the range, not "positive integer"', () => {
  assert.throws(() => validateCard(card({ width: 20000 }), 'c.json'), /c\.json: input\.width must be an integer in 1\.\.16384, got 20000/);
  assert.throws(() => validateCard(card({ height: 0 }), 'c.json'), /input\.height must be an integer in 1\.\.16384, got 0/);
  assert.is(validateCard(card({ width: 16384 }), 'c.json').input.width, 16384);
});

test('ignoreColor: [r, g, b] with an ignoreIndex, or null; a class colour or a bad value is refused', () => {
  const base = card({}) as Record<string, unknown>;
  assert.equal(validateCard({ ...base, ignoreIndex: 11, ignoreColor: [0, 0, 0] }, 'c.json').ignoreColor, [0, 0, 0]);
  assert.is(validateCard({ ...base, ignoreColor: null }, 'c.json').ignoreColor, null);
  assert.throws(() => validateCard({ ...base, ignoreColor: [0, 0, 0] }, 'c.json'), /ignoreColor needs ignoreIndex/);
  assert.throws(() => validateCard({ ...base, ignoreIndex: 11, ignoreColor: [1, 1, 1] }, 'c.json'), /is also the colour of classes\[1\]/);
  assert.throws(() => validateCard({ ...base, ignoreIndex: 11, ignoreColor: [0, 0, 300] }, 'c.json'), /ignoreColor must be \[r, g, b\] of integers in 0\.\.255 or null/);
});

test.run();
