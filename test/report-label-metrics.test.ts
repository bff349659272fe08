import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConfusion } from '../lib/metrics/confusion';
import { labelMetrics, withImageCounts } from '../lib/report/label-metrics';

test('withImageCounts: per-image counts add up to the counts of all pixels at once, and summary metrics follow them', () => {
  // two images of a 2-class problem, scored by hand: rows label, columns prediction
  const a = [3, 1, 0, 4]; // label 0: 3 right, 1 called 1; label 1: 4 right
  const b = [0, 0, 2, 2]; // label 1: 2 called 0, 2 right
  const total = withImageCounts(withImageCounts(createConfusion(2), a), b);
  assert.equal(Array.from(total.counts), [3, 1, 2, 6]);
  const m = labelMetrics(total, ['road', 'car']);
  assert.is(m.globalAccuracy, 9 / 12);
  assert.is(m.classAverageAccuracy, (3 / 4 + 6 / 8) / 2);
  // IoU road = 3 / (3 + 1 + 2), car = 6 / (6 + 1 + 2)
  assert.equal(m.perClass, [{ class: 'road', iou: 3 / 6 }, { class: 'car', iou: 6 / 9 }]);
  assert.is(m.meanIoU, (3 / 6 + 6 / 9) / 2);
});

test('withImageCounts: leaves its input alone and refuses counts of another class count', () => {
  const empty = createConfusion(2);
  withImageCounts(empty, [1, 0, 0, 1]);
  assert.equal(Array.from(empty.counts), [0, 0, 0, 0]);
  assert.throws(() => withImageCounts(empty, [1, 0, 0]), /cannot merge statistics with different array lengths: 4 vs 3/);
});

test.run();
