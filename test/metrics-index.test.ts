import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as metrics from '../lib/metrics';

test('index re-exports the public API', () => {
  for (const name of [
    'createConfusion', 'addToConfusion', 'mergeConfusion', 'globalAccuracy', 'classAverageAccuracy', 'meanIoU', 'perClassIoU',
    'perClassAccuracy', 'pixelFrequency', 'expectedCalibrationError', 'maximumCalibrationError', 'adaptiveCalibrationError',
    'classwiseCalibrationError', 'brierScore', 'negativeLogLikelihood', 'reliabilityDiagram', 'confidenceHistogram',
    'accuracyByUncertaintyPercentile', 'sparsificationCurve', 'areaUnderSparsificationError', 'misclassificationAUROC',
    'misclassificationAUPR', 'pavpuCurve', 'pavpuSummary', 'perClassMeanUncertainty', 'fitTemperature', 'applyTemperature',
    'createPixelReservoir', 'createMetricStats', 'addImage', 'mergeMetricStats', 'metricStatsToJSON', 'metricStatsFromJSON',
    'summarizeMetrics',
  ]) {
    assert.type((metrics as Record<string, unknown>)[name], 'function', name);
  }
});
test.run();
