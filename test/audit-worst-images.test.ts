import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImageStats } from '../lib/audit/image-stats';
import { TopK, WorstImages } from '../lib/audit/worst-images';
import type { WorstEntry } from '../lib/report/formats';
import { seededRandom } from './fixtures/tiny-models';
import type { ModelCard } from '../lib/model/types';
import type { UncertaintyMaps } from '../lib/engine/types';

const entry = (file: string, value: number): WorstEntry => ({ file, value, meanIoU: null, meanEntropy: 0, confidentWrong: 0 });

const topk = suite('TopK');

topk('keeps the k largest, in order, ties to the earlier image; matches a full sort', () => {
  const r = seededRandom(3);
  const values = Array.from({ length: 500 }, () => Math.round(r() * 50) / 50);
  const list = new TopK(7);
  let rendered = 0;
  values.forEach((v, i) => list.add(v, entry(`f${i}`, v), () => { rendered++; return Buffer.alloc(0); }));
  const reference = values.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v || a.i - b.i).slice(0, 7);
  assert.equal(list.entries().map((h) => h.entry.file), reference.map((x) => `f${x.i}`));
  assert.ok(rendered < 100, `thumbnails rendered only for images entering the list (${rendered})`);
  const empty = new TopK(0);
  empty.add(1, entry('a', 1), () => Buffer.alloc(0));
  assert.is(empty.entries().length, 0);
  assert.not.ok(new TopK(3).accepts(NaN));
});
topk.run();

const worst = suite('WorstImages');

const card = { classes: [{ name: 'a', color: [0, 0, 0] }, { name: 'b', color: [255, 255, 255] }] } as unknown as ModelCard;
const maps = {
  width: 4, height: 4, numClasses: 2, samples: 1, predicted: new Uint8Array(16), confidence: new Float32Array(16),
  meanProbs: new Float32Array(32), predictiveEntropy: new Float32Array(16), expectedEntropy: new Float32Array(16),
  mutualInformation: new Float32Array(16), variance: new Float32Array(32), meanVariance: new Float32Array(16),
} as UncertaintyMaps;
const photo = { width: 4, height: 4, data: new Uint8Array(48) };
const stats = (file: string, iou: number, entropy: number, wrong: number, share: number): ImageStats => ({
  file, confusion: { numClasses: 2, counts: new Float64Array(4) }, meanIoU: iou, globalAccuracy: iou, meanEntropy: entropy,
  meanMutualInformation: 0, wrongPixels: wrong, confidentWrong: share, properties: { brightness: 0, contrast: 0, sharpness: 0, size: 16 },
});

worst('four lists; change against the baseline by file name; a thumbnail PNG per entry', () => {
  const w = new WorstImages(2, [{ name: 'b.png', sha256: null, meanIoU: 0.9, meanEntropy: 0.1 }, { name: 'c.png', sha256: null, meanIoU: 0.5, meanEntropy: 0.1 }]);
  w.add(stats('/x/a.png', 0.2, 0.1, 10, 0.5), photo, maps, card);
  w.add(stats('/x/b.png', 0.5, 0.9, 10, 0.9), photo, maps, card);
  w.add(stats('/x/c.png', 0.6, 0.5, 0, 0), photo, maps, card);
  const r = w.result();
  assert.equal(r.lowestIoU?.map((e) => e.file), ['/x/a.png', '/x/b.png']);
  assert.equal(r.mostUncertain?.map((e) => e.file), ['/x/b.png', '/x/c.png']);
  assert.equal(r.confidentButWrong?.map((e) => [e.file, e.value]), [['/x/b.png', 0.9], ['/x/a.png', 0.5]]);
  assert.equal(r.changedVsBaseline?.map((e) => [e.file, Number(e.value.toFixed(6)), e.baselineIoU]), [['/x/b.png', -0.4, 0.9], ['/x/c.png', 0.1, 0.5]]);
  for (const t of w.thumbnails()) assert.equal([...t.png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.not.ok('changedVsBaseline' in new WorstImages(2, null).result());
});
worst.run();
