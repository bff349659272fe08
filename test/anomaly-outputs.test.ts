/** What the anomaly section draws: the ROC/PR chart configuration and the per-image panel. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anomalyCurveConfig } from '../lib/anomaly/charts';
import { anomalyPanel } from '../lib/anomaly/panel';
import { curvePoints } from '../lib/anomaly/pixel-metrics';
import { addAnomalyPixels, createAnomalyHistogram } from '../lib/anomaly/pixel-stats';

test('the ROC chart plots each score\'s curve from (0, 0) to (1, 1) and the chance line; the PR chart recall against precision', () => {
  const h = createAnomalyHistogram('entropy', 11);
  addAnomalyPixels(h, Uint8Array.from([1, 1, 0, 0, 0, 1]), Float32Array.from([0.9, 0.5, 0.5, 0.1, 0.2, 0.05]));
  const c = curvePoints(h);
  const roc = anomalyCurveConfig({ entropy: c, variance: c }, 'roc');
  assert.equal(roc.data.datasets.map((d) => d.label), ['predictive entropy', 'mean class variance', 'chance']);
  const points = roc.data.datasets[0].data as unknown as { x: number; y: number }[];
  assert.equal(points[0], { x: 0, y: 0 });
  assert.equal(points.at(-1), { x: 1, y: 1 });
  // thresholds from high to low: 0.9 (one anomaly), 0.5 (one of each), 0.2, 0.1, 0.05
  assert.equal(points.map((p) => [p.x, p.y]), [[0, 0], [0, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 2 / 3], [1, 2 / 3], [1, 1]]);
  const pr = anomalyCurveConfig({ entropy: c }, 'pr');
  assert.equal((pr.data.datasets[0].data as unknown as { x: number; y: number }[])[0], { x: 1 / 3, y: 1 });
});

test('the panel: the score map left, the photo right with the anomaly tinted red and the outside darkened', () => {
  const photo = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3).fill(100) };
  const label = { width: 4, height: 2, data: Uint8Array.from([0, 1, 255, 0, 0, 0, 0, 0]) };
  const p = anomalyPanel(photo, label, new Float32Array(8).fill(0.5), 1, 480);
  assert.equal([p.width, p.height], [4 + 6 + 4, 2]);
  const px = (x: number, y: number): number[] => Array.from(p.data.subarray((y * p.width + x) * 3, (y * p.width + x) * 3 + 3));
  const right = 4 + 6;
  assert.equal(px(right, 0), [100, 100, 100]);
  assert.equal(px(right + 1, 0), [177, 50, 50]);
  assert.equal(px(right + 2, 0), [25, 25, 25]);
  assert.equal(px(4, 0), [255, 255, 255], 'the gap is white');
  assert.equal(px(0, 0), px(3, 1), 'a uniform score is one colour');
});

test.run();
