import { PNG } from 'pngjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  accuracyVsUncertaintyPercentile,
  accuracyVsUncertaintyPercentileConfig,
  confidenceHistogram,
  confidenceHistogramConfig,
  perClassUncertaintyVsIoU,
  perClassUncertaintyVsIoUConfig,
  reliabilityDiagram,
  reliabilityDiagramConfig,
  sampleCountChart,
  sampleCountChartConfig,
  shortCount,
  sparsificationCurves,
  sparsificationCurvesConfig,
} from '../lib/report/charts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const bins = {
  binLower: [0, 0.25, 0.5, 0.75], binUpper: [0.25, 0.5, 0.75, 1],
  confidence: [0.2, 0.4, null, 0.9], accuracy: [0.1, 0.5, null, 0.95], count: [10, 20, 0, 70],
};

function decode(png: Buffer): PNG {
  assert.equal(Array.from(png.subarray(0, 8)), SIGNATURE, 'PNG signature');
  return PNG.sync.read(png);
}

/** dataset i's values as plain numbers or [x, y] pairs */
function values(data: unknown): unknown[] {
  return (data as unknown[]).map((d) => (d !== null && typeof d === 'object' && !Array.isArray(d) ? [(d as { x: number }).x, (d as { y: number }).y] : d));
}

// ---------------------------------------------------------------------------------------------
const configs = suite('chart configs plot the given values');

configs('reliability diagram: accuracy bars, opaque gap bars by direction in their legend colours, counts under the labels, diagonal', () => {
  const c = reliabilityDiagramConfig(bins);
  assert.equal(c.data.labels, [['0.13', 'n=10'], ['0.38', 'n=20'], ['0.63', 'n=0'], ['0.88', 'n=70']]);
  const [acc, over, under, diag] = c.data.datasets;
  assert.equal(acc.data, [0.1, 0.5, null, 0.95]);
  assert.equal([over.label, over.data], ['gap: confidence above accuracy', [[0.1, 0.2], null, null, null]]);
  assert.equal([under.label, under.data], ['gap: accuracy above confidence', [null, [0.4, 0.5], null, [0.9, 0.95]]]);
  assert.equal(diag.data, [0.125, 0.375, 0.625, 0.875]);
  // no translucent colour: what is drawn is a colour the legend names
  for (const d of [acc, over, under]) assert.match(String(d.backgroundColor), /^#[0-9A-F]{6}$/i);
  assert.equal([shortCount(950), shortCount(12_345), shortCount(3_400_000)], ['950', '12.3k', '3.4M']);
});

configs('confidence histogram: shares of pixels', () => {
  assert.equal(confidenceHistogramConfig(bins).data.datasets[0].data, [0.1, 0.2, 0, 0.7]);
});

configs('percentile and sparsification: one series per kind, oracle beside each curve', () => {
  const p = accuracyVsUncertaintyPercentileConfig({ entropy: [{ percentile: 50, accuracy: 0.9 }, { percentile: 100, accuracy: 0.8 }], variance: [{ percentile: 50, accuracy: null }] });
  assert.equal(p.data.datasets.map((d) => d.label), ['predictive entropy', 'mean class variance']);
  assert.equal(values(p.data.datasets[0].data), [[50, 0.9], [100, 0.8]]);
  const s = sparsificationCurvesConfig({ mutualInformation: { fractions: [0, 0.5], error: [0.3, 0.1], oracle: [0.3, 0] } });
  assert.equal(s.data.datasets.map((d) => d.label), ['mutual information', 'oracle (mutual information)']);
  assert.equal(values(s.data.datasets[0].data), [[0, 0.3], [0.5, 0.1]]);
  assert.equal(values(s.data.datasets[1].data), [[0, 0.3], [0.5, 0]]);
});

configs('sample counts on a categorical axis, one integer tick per count (1,2,4,8 collided as 1.00 1.10 ...); per-class scatter leaves out classes without a value', () => {
  const c = sampleCountChartConfig({ counts: [1, 2, 4, 8], series: [{ label: 'mIoU', values: [0.3, 0.31, null, 0.32] }] });
  assert.equal(c.data.labels, ['1', '2', '4', '8']);
  assert.equal(c.data.datasets[0].data, [0.3, 0.31, null, 0.32]);
  assert.is((c.options?.scales?.x as { type: string }).type, 'category');
  const s = perClassUncertaintyVsIoUConfig([
    { name: 'Sky', color: [1, 2, 3], iou: 0.8, uncertainty: 0.2, frequency: 0.5 },
    { name: 'Car', color: [4, 5, 6], iou: null, uncertainty: 0.9 },
  ]);
  assert.equal(s.data.datasets.map((d) => d.label), ['Sky']);
  assert.equal(values(s.data.datasets[0].data), [[0.2, 0.8]]);
  assert.is(s.data.datasets[0].backgroundColor, 'rgb(1,2,3)');
});

configs('EXPECTED FAILURE: arrays of different lengths', () => {
  assert.throws(() => reliabilityDiagramConfig({ ...bins, count: [1] }), /same length/);
  assert.throws(() => sampleCountChartConfig({ counts: [1, 2], series: [{ label: 'x', values: [1] }] }), /same length/);
});

configs.run();

// ---------------------------------------------------------------------------------------------
const png = suite('rendered PNGs');

png('every chart: PNG of the requested size at device-pixel ratio 2 on a white background', () => {
  const size = { width: 500, height: 300 };
  const charts = [
    reliabilityDiagram(bins, size), confidenceHistogram(bins, size),
    accuracyVsUncertaintyPercentile({ entropy: [{ percentile: 10, accuracy: 1 }, { percentile: 100, accuracy: 0.7 }] }, size),
    sparsificationCurves({ entropy: { fractions: [0, 0.5], error: [0.3, 0.1], oracle: [0.3, 0] } }, size),
    sampleCountChart({ counts: [1, 10], series: [{ label: 'a', values: [0.1, 0.2] }] }, size),
    perClassUncertaintyVsIoU([{ name: 'Sky', color: [1, 2, 3], iou: 0.8, uncertainty: 0.2 }], size),
  ];
  for (const bytes of charts) {
    const img = decode(bytes);
    assert.is(img.width, 1000);
    assert.is(img.height, 600);
    assert.equal(Array.from(img.data.subarray(0, 4)), [255, 255, 255, 255], 'top-left pixel is opaque white');
  }
});

png('the drawing follows the values: same values same bytes, other values other pixels', () => {
  const a = reliabilityDiagram(bins);
  assert.ok(a.equals(reliabilityDiagram(bins)), 'deterministic');
  const b = reliabilityDiagram({ ...bins, accuracy: [0.9, 0.1, null, 0.2] });
  const pa = decode(a), pb = decode(b);
  let differing = 0;
  for (let i = 0; i < pa.data.length; i += 4) if (pa.data[i] !== pb.data[i] || pa.data[i + 2] !== pb.data[i + 2]) differing++;
  assert.ok(differing > 1000, `${differing} pixels differ`);
  // the bars of bin 0 reach 0.9 instead of 0.2: coloured (not gray) pixels high up in its column
  const blueAbove = (p: PNG): number => {
    let n = 0;
    for (let y = 160; y < 300; y++) for (let x = 120; x < 400; x++) { // CSS (60..200, 80..150) at DPR 2
      const i = (y * p.width + x) * 4;
      const d = p.data;
      if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 20) n++;
    }
    return n;
  };
  assert.ok(blueAbove(pb) > blueAbove(pa) + 500, `${blueAbove(pb)} vs ${blueAbove(pa)}`);
});

png('EXPECTED FAILURE: bad sizes', () => {
  assert.throws(() => reliabilityDiagram(bins, { width: 3 }), /width must be an integer/);
  assert.throws(() => reliabilityDiagram(bins, { height: 1.5 }), /height must be an integer/);
});

png.run();
