import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { C, IGNORE, randomImage } from './fixtures/random-metric-image';
import { addImage, createMetricStats, mergeMetricStats, metricStatsFromJSON, metricStatsToJSON } from '../lib/metrics/metric-stats';
import { throwsError } from './fixtures/throws';

const images = [randomImage(1, 40, 30), randomImage(2, 33, 21), randomImage(3, 16, 16), randomImage(4, 25, 40)];
const options = { numClasses: C, ignoreIndex: IGNORE };

const s = suite('MetricStats');
s('merge of two shards equals one run over all images, bit for bit, in any order', () => {
  const all = createMetricStats(options);
  for (const im of images) addImage(all, im);
  const a = createMetricStats(options);
  const b = createMetricStats(options);
  addImage(a, images[2]);
  addImage(a, images[0]);
  addImage(b, images[3]);
  addImage(b, images[1]);
  assert.equal(metricStatsToJSON(mergeMetricStats(a, b)), metricStatsToJSON(all));
  assert.equal(metricStatsToJSON(mergeMetricStats(b, a)), metricStatsToJSON(all));
  assert.is(all.images, 4);
});
s('JSON round-trip is exact; saved size is bounded by the bins, not the images', () => {
  const st = createMetricStats(options);
  for (const im of images) addImage(st, im);
  const size1 = JSON.stringify(metricStatsToJSON(st)).length;
  // the same values again: the same non-empty bins, only larger counts (sparse bins: a bin is
  // stored once it holds a pixel, and there are at most binCount of them whatever the images)
  for (let k = 0; k < 5; k++) for (const im of images) addImage(st, im);
  const text = JSON.stringify(metricStatsToJSON(st));
  assert.ok(text.length < size1 * 1.2, `${text.length} vs ${size1}`);
  assert.equal(metricStatsToJSON(metricStatsFromJSON(JSON.parse(text) as unknown)), metricStatsToJSON(st));
});
s('images without probs are accepted (Brier/NLL over the rest)', () => {
  const st = createMetricStats(options);
  const { probs: _unused, ...rest } = images[0];
  addImage(st, rest);
  assert.is(st.calibration.probPixels, 0);
  assert.ok(st.confusion.counts.reduce((x, y) => x + y, 0) > 0);
});
s('EXPECTED FAILURE: bad sizes, labels, options; mismatched merge', () => {
  const st = createMetricStats(options);
  throwsError(() => addImage(st, { ...images[0], width: 39 }), RangeError, /^input\.labels must have length 1170, got 1200$/);
  const labels = Uint8Array.from(images[0].labels);
  labels[17] = 7;
  assert.throws(() => addImage(st, { ...images[0], labels }), (e: unknown) => e instanceof RangeError && /labels\[17\] = 7/.test(e.message));
  throwsError(() => addImage(st, { ...images[0], uncertainties: { ...images[0].uncertainties, variance: new Float32Array(3) } }), RangeError, /^variance must have length 1200, got 3$/);
  throwsError(() => createMetricStats({ numClasses: 0 }), RangeError, /^numClasses must be an integer in 1\.\.256, got 0$/);
  throwsError(() => createMetricStats({ numClasses: 3, ignoreIndex: -2 }), RangeError, /^ignoreIndex must be an integer in 0\.\.255, got -2$/);
  throwsError(() => mergeMetricStats(createMetricStats(options), createMetricStats({ numClasses: C })), RangeError, /^cannot merge statistics with different ignoreIndex: 11 vs null$/);
  throwsError(() => mergeMetricStats(createMetricStats(options), createMetricStats({ ...options, mantissaBits: 8 })), RangeError, /^cannot merge statistics with different mantissaBits: 10 vs 8$/);
  throwsError(() => metricStatsFromJSON({ numClasses: C }), TypeError, /^uncertainty must be an object, got undefined$/);
});
s.run();
