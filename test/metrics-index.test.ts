import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as metrics from '../lib/metrics';

const PUBLIC = [
  'createConfusion', 'addToConfusion', 'mergeConfusion', 'globalAccuracy', 'classAverageAccuracy', 'meanIoU', 'perClassIoU',
  'perClassAccuracy', 'pixelFrequency', 'expectedCalibrationError', 'maximumCalibrationError', 'adaptiveCalibrationError',
  'classwiseCalibrationError', 'brierScore', 'negativeLogLikelihood', 'reliabilityDiagram', 'confidenceHistogram',
  'accuracyByUncertaintyPercentile', 'sparsificationCurve', 'areaUnderSparsificationError', 'misclassificationAUROC',
  'misclassificationAUPR', 'pavpuCurve', 'pavpuSummary', 'perClassMeanUncertainty', 'fitTemperature', 'applyTemperature',
  'createPixelReservoir', 'createMetricStats', 'addImage', 'mergeMetricStats', 'metricStatsToJSON', 'metricStatsFromJSON',
  'summarizeMetrics',
];

test('index re-exports the public API: each name is the very function its own module defines', () => {
  const dir = path.join(__dirname, '..', 'lib', 'metrics');
  const owners = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as Record<string, unknown>;
    for (const name of PUBLIC) if (typeof mod[name] === 'function' && mod[name] === (metrics as Record<string, unknown>)[name]) owners.set(name, [...(owners.get(name) ?? []), file]);
  }
  assert.equal(PUBLIC.filter((n) => (owners.get(n) ?? []).length !== 1), [], 'names not re-exported from exactly one module');
});

test('through the index, a 2-class confusion gives the IoUs and accuracy worked by hand', () => {
  // labels 0 0 1 1, predicted 0 1 1 1: class 0 IoU 1/2, class 1 IoU 2/3, accuracy 3/4
  const cm = metrics.createConfusion(2);
  metrics.addToConfusion(cm, Uint8Array.from([0, 0, 1, 1]), Uint8Array.from([0, 1, 1, 1]));
  assert.equal(Array.from(metrics.perClassIoU(cm)), [1 / 2, 2 / 3]);
  assert.is(metrics.meanIoU(cm), (1 / 2 + 2 / 3) / 2);
  assert.is(metrics.globalAccuracy(cm), 3 / 4);
});
test.run();
