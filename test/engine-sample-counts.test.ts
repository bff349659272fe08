import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCounts, parseCounts } from '../lib/engine/sample-counts';

const counts = suite('parseCounts / checkCounts');

counts('parses, sorts and de-duplicates', () => {
  assert.equal(parseCounts('5, 1,2,5'), [5, 1, 2, 5]);
  assert.equal(checkCounts([5, 1, 2, 5]), [1, 2, 5]);
});

counts('EXPECTED FAILURE: bad entries name the value', () => {
  assert.throws(() => parseCounts('1,x,3'), /^--counts '1,x,3': each must be an integer in 1\.\.100000, got 'x'$/);
  assert.throws(() => parseCounts('0'), /^--counts '0': each must be an integer in 1\.\.100000, got '0'$/);
  assert.throws(() => parseCounts('1e1'), /got '1e1'$/);
  assert.throws(() => checkCounts([]), /at least one/);
  assert.throws(() => checkCounts([1.5]), /^--counts must be an integer in 1\.\.100000, got 1\.5$/);
  assert.throws(() => checkCounts([100001]), /^--counts must be an integer in 1\.\.100000, got 100001$/);
});

counts.run();
