/**
 * lib/anomaly's pooled pixel metrics and component metrics against the benchmarks' own
 * formulas, restated in numpy/scipy and scikit-learn (test/fixtures/anomaly_reference.py).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addImageComponents, componentMetrics, connectedComponents8, createComponentCounts, mergeComponentCounts, predictedMask, SIOU_THRESHOLDS,
} from '../lib/anomaly/components';
import { pixelMetrics, curvePoints } from '../lib/anomaly/pixel-metrics';
import {
  addAnomalyPixels, anomalyHistogramFromJSON, anomalyHistogramToJSON, badLabelValue, createAnomalyHistogram, mergeAnomalyHistograms,
} from '../lib/anomaly/pixel-stats';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { seededRandom } from './fixtures/tiny-models';

interface Synthetic { width: number; height: number; labels: Uint8Array; scores: Float32Array }

/**
 * One frame: a void band on top, anomaly discs (one under the size filter), a false-alarm blob;
 * scores high on anomalies, noisy elsewhere. `quantize` rounds scores to k/64 (one bin each).
 */
function frame(seed: number, quantize: boolean): Synthetic {
  const r = seededRandom(seed);
  const width = 64, height = 48, n = width * height;
  const labels = new Uint8Array(n), scores = new Float32Array(n);
  const discs = [[10 + r() * 10, 20 + r() * 10, 6 + r() * 3], [40 + r() * 10, 30 + r() * 8, 4 + r() * 3], [55, 12, 1.2]];
  const blob = [30 + r() * 6, 15, 4];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const inside = (d: number[]): boolean => (x - d[0]) ** 2 + (y - d[1]) ** 2 <= d[2] ** 2;
      labels[i] = y < 5 ? 255 : discs.some(inside) ? 1 : 0;
      let v = labels[i] === 1 ? 0.35 + 0.65 * r() : 0.45 * r() ** 2;
      if (inside(blob)) v = 0.5 + 0.4 * r();
      scores[i] = quantize ? Math.round(v * 64) / 64 : v;
    }
  }
  return { width, height, labels, scores };
}

function reference(frames: Synthetic[], sizes: { minPredicted: number; minAnomaly: number }): Record<string, number> {
  const input = JSON.stringify({
    images: frames.map((f) => ({ width: f.width, height: f.height, labels: Array.from(f.labels), scores: Array.from(f.scores) })), ...sizes,
  });
  const run = spawnSync(PYTHON, [path.join(__dirname, 'fixtures', 'anomaly_reference.py')], { input, encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, number>;
}

/** Our metrics of the frames: pooled histogram, best-F1 bin, then the component pass. */
function ours(frames: Synthetic[], sizes: { minPredicted: number; minAnomaly: number }) {
  const h = createAnomalyHistogram('entropy', 11);
  const bins = frames.map((f) => addAnomalyPixels(h, f.labels, f.scores));
  const pixel = pixelMetrics(h);
  let counts = createComponentCounts();
  frames.forEach((f, k) => {
    const one = createComponentCounts();
    addImageComponents(one, f.labels, predictedMask(bins[k], pixel.bestF1Bin as number), f.width, f.height, sizes);
    counts = mergeComponentCounts(counts, one);
  });
  return { pixel, component: componentMetrics(counts), h };
}

const PYOK = pythonHas('numpy', 'scipy', 'sklearn');
const bench = suite('anomaly metrics against the benchmarks (numpy, scipy, scikit-learn)');
if (!PYOK) console.log('  SKIPPED anomaly-metrics reference checks: /usr/bin/python3 lacks numpy, scipy or scikit-learn');

if (PYOK) bench('pooled AP, AUROC and FPR95 of continuous scores within 1e-3 of scikit-learn and eval.py', () => {
  const frames = [frame(1, false), frame(2, false), frame(3, false)];
  const sizes = { minPredicted: 20, minAnomaly: 10 };
  const ref = reference(frames, sizes);
  const { pixel } = ours(frames, sizes);
  for (const key of ['ap', 'auroc', 'fpr95'] as const) {
    assert.ok(Math.abs((pixel[key] as number) - ref[key]) < 1e-3, `${key}: ${pixel[key]} vs ${ref[key]}`);
  }
  assert.ok((pixel.aurocTieBound as number) < 1e-3);
  assert.ok((pixel.fpr95TieBound as number) < 1e-3 && Math.abs((pixel.fpr95 as number) - ref.fpr95) <= (pixel.fpr95TieBound as number), 'FPR95 within its bound');
  assert.ok(ref.ap > 0.3 && ref.ap < 0.99, `a case that is neither trivial nor hopeless (AP ${ref.ap})`);
});

if (PYOK) bench('quantized scores: pixel metrics exact, component sIoU, PPV and mean F1 equal SegmentMeIfYouCan\'s', () => {
  const frames = [frame(4, true), frame(5, true), frame(6, true), frame(7, true)];
  for (const sizes of [{ minPredicted: 20, minAnomaly: 10 }, { minPredicted: 1, minAnomaly: 1 }, { minPredicted: 60, minAnomaly: 40 }]) {
    const ref = reference(frames, sizes);
    const { pixel, component } = ours(frames, sizes);
    for (const key of ['ap', 'auroc', 'fpr95', 'threshold', 'bestF1'] as const) {
      assert.ok(Math.abs((pixel[key] as number) - ref[key]) < 1e-9, `${key}: ${pixel[key]} vs ${ref[key]}`);
    }
    assert.is(component.gtComponents, ref.gtComponents, `${JSON.stringify(sizes)} gt components`);
    assert.is(component.predictedComponents, ref.predictedComponents, 'predicted components');
    for (const key of ['sIoU', 'ppv', 'meanF1'] as const) {
      assert.ok(Math.abs((component[key] as number) - ref[key]) < 1e-9, `${JSON.stringify(sizes)} ${key}: ${component[key]} vs ${ref[key]}`);
    }
  }
});

const unit = suite('anomaly statistics');

unit('8-connected components: diagonal neighbours join, raster order of first pixels', () => {
  const mask = Uint8Array.from([
    1, 0, 0, 1,
    0, 1, 0, 1,
    0, 0, 0, 0,
    1, 1, 0, 1,
  ]);
  const { labels, count } = connectedComponents8(mask, 4, 4);
  assert.is(count, 4);
  assert.equal(Array.from(labels), [1, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 0, 3, 3, 0, 4]);
});

unit('a perfect score: AP 1, AUROC 1, FPR95 0; components found whole', () => {
  const width = 20, height = 10, n = width * height;
  const labels = new Uint8Array(n), scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = i % width;
    labels[i] = x >= 5 && x < 9 ? 1 : 0;
    scores[i] = labels[i] ? 0.9 : 0.1;
  }
  const h = createAnomalyHistogram('maxProbability', 11);
  const bins = addAnomalyPixels(h, labels, scores);
  const m = pixelMetrics(h);
  assert.equal([m.ap, m.auroc, m.fpr95, m.bestF1], [1, 1, 0, 1]);
  const c = createComponentCounts();
  addImageComponents(c, labels, predictedMask(bins, m.bestF1Bin as number), width, height, { minPredicted: 1, minAnomaly: 1 });
  const cm = componentMetrics(c);
  assert.equal([cm.sIoU, cm.ppv, cm.meanF1], [1, 1, 1]);
  assert.is(cm.f1.length, SIOU_THRESHOLDS.length);
  const curve = curvePoints(h);
  assert.equal([curve.fpr.at(-1), curve.tpr.at(-1)], [1, 1]);
});

unit('no anomaly pixel: the metrics are null, not NaN', () => {
  const h = createAnomalyHistogram('entropy', 11);
  addAnomalyPixels(h, new Uint8Array(4), Float32Array.from([0.1, 0.2, 0.3, 0.4]));
  const m = pixelMetrics(h);
  assert.equal([m.ap, m.auroc, m.fpr95], [null, null, null]);
  assert.equal(componentMetrics(createComponentCounts()).meanF1, null);
});

unit('histograms merge as one pass and survive JSON', () => {
  const a = frame(8, false), b = frame(9, false);
  const one = createAnomalyHistogram('variance', 11);
  addAnomalyPixels(one, a.labels, a.scores.map((v) => v / 20));
  addAnomalyPixels(one, b.labels, b.scores.map((v) => v / 20));
  const ha = createAnomalyHistogram('variance', 11), hb = createAnomalyHistogram('variance', 11);
  addAnomalyPixels(ha, a.labels, a.scores.map((v) => v / 20));
  addAnomalyPixels(hb, b.labels, b.scores.map((v) => v / 20));
  const merged = anomalyHistogramFromJSON(JSON.parse(JSON.stringify(anomalyHistogramToJSON(mergeAnomalyHistograms(ha, hb)))));
  assert.equal(pixelMetrics(merged), pixelMetrics(one));
  assert.throws(() => mergeAnomalyHistograms(ha, createAnomalyHistogram('entropy', 11)), (e: Error) => /different kind/.test(e.message));
});

unit('bad input: a label value other than 0, 1, 255 and a score that is not finite are named', () => {
  assert.is(badLabelValue(Uint8Array.from([0, 1, 255, 7]), 2), 'label value 7 at pixel (1, 1) is not 0 (inlier), 1 (anomaly) or 255 (outside the region of interest)');
  assert.is(badLabelValue(Uint8Array.from([0, 1, 255]), 3), null);
  const h = createAnomalyHistogram('entropy', 11);
  assert.throws(() => addAnomalyPixels(h, new Uint8Array(2), Float32Array.from([0.1, NaN])), (e: Error) => /entropy\[1\] = NaN is not finite/.test(e.message));
  assert.is(h.inlier.reduce((s, v) => s + v, 0), 0, 'nothing counted from the refused image');
});

bench.run();
unit.run();
