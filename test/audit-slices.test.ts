import { spawnSync } from 'child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { imageProperties, imageStats, type ImageStats } from '../lib/audit/image-stats';
import { addToSlices, binOf, binsFor, createSlices, finishSlices, groupOf, MAX_BINS, MAX_GROUPS, MIN_BINS } from '../lib/audit/slices';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { seededRandom } from './fixtures/tiny-models';
import type { UncertaintyMaps } from '../lib/engine/types';

function randomImage(w: number, h: number, seed: number): { width: number; height: number; data: Uint8Array } {
  const r = seededRandom(seed);
  return { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => Math.floor(r() * 256)) };
}

const props = suite('imageProperties and imageStats');

const NUMPY = pythonHas('numpy');
if (!NUMPY) console.log('  SKIPPED audit-slices numpy check: /usr/bin/python3 has no numpy (.ci/run installs python3-numpy)');
if (NUMPY) props('brightness, contrast and sharpness against numpy', () => {
  const img = randomImage(13, 9, 4);
  const script = `import json,sys,numpy as np
a=np.array(json.loads(sys.stdin.read()),dtype=np.float64).reshape(9,13,3)
y=(0.299*a[...,0]+0.587*a[...,1]+0.114*a[...,2])/255
lap=np.abs(4*y[1:-1,1:-1]-y[1:-1,:-2]-y[1:-1,2:]-y[:-2,1:-1]-y[2:,1:-1])
print(json.dumps([y.mean(),y.std(),lap.mean()/4]))`;
  const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(Array.from(img.data)), encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const [mean, std, sharp] = JSON.parse(run.stdout) as number[];
  const p = imageProperties(img);
  assert.ok(Math.abs(p.brightness - mean) < 1e-6, `${p.brightness} vs ${mean}`);
  assert.ok(Math.abs(p.contrast - std) < 1e-6);
  assert.ok(Math.abs(p.sharpness - sharp) < 1e-6);
  assert.is(p.size, 117);
});

props('confident-but-wrong: the share of wrong pixels above 0.9 confidence (ignored pixels left out)', () => {
  const n = 6;
  const maps = {
    width: 3, height: 2, numClasses: 2, samples: 1,
    predicted: Uint8Array.from([0, 0, 1, 1, 0, 1]), confidence: Float32Array.from([0.95, 0.5, 0.99, 0.91, 0.6, 0.95]),
    predictiveEntropy: new Float32Array(n).fill(0.5), mutualInformation: new Float32Array(n).fill(0.1),
  } as unknown as UncertaintyMaps;
  const label = { width: 3, height: 2, data: Uint8Array.from([1, 1, 1, 0, 9, 0]) };
  const s = imageStats('x.png', randomImage(3, 2, 1), maps, label, 9);
  // wrong pixels: 0 (0.95), 1 (0.5), 3 (0.91), 5 (0.95); pixel 4 is ignored
  assert.is(s.wrongPixels, 4);
  assert.is(s.confidentWrong, 3 / 4);
  assert.ok(Math.abs(s.meanEntropy - 0.5) < 1e-7);
  assert.is(s.globalAccuracy, 1 / 5);
});
props.run();

const slices = suite('slices');

const fake = (file: string, brightness: number, iouHit: boolean): ImageStats => ({
  file, confusion: { numClasses: 2, counts: Float64Array.from(iouHit ? [10, 0, 0, 10] : [5, 5, 5, 5]) }, meanIoU: null, globalAccuracy: null,
  meanEntropy: iouHit ? 0.1 : 0.5, meanMutualInformation: 0.01, wrongPixels: 0, confidentWrong: 0,
  properties: { brightness, contrast: 0.2, sharpness: 0.01, size: 100 },
});

slices('terciles hold about a third of the images each, cut between bins, and match a sort', () => {
  const acc = createSlices(2, 'none');
  const r = seededRandom(7);
  const values: number[] = [];
  for (let i = 0; i < 300; i++) {
    const b = r();
    values.push(b);
    addToSlices(acc, fake(`f${i}.png`, b, b > 0.5));
  }
  const bright = finishSlices(acc).filter((s) => s.property === 'brightness');
  assert.is(bright.length, 3);
  assert.is(bright.reduce((a, s) => a + s.images, 0), 300);
  // a bin holds about 300/1024 images: each tercile is within a couple of images of 100
  assert.is(acc.binCount, MAX_BINS);
  for (const s of bright) assert.ok(Math.abs(s.images - 100) <= 2, `${s.name}: ${s.images}`);
  // the reference: sort, and count the images below the low tercile's upper bin edge
  const sorted = [...values].sort((a, b) => a - b);
  const lowCount = bright[0].images;
  const edge = (binOf('brightness', sorted[lowCount - 1], MAX_BINS) + 1) / MAX_BINS;
  assert.is(sorted.filter((v) => v < edge).length, lowCount);
  // the dark slice is all misses (mIoU 1/3), the bright one all hits
  assert.ok((bright[0].values.meanIoU as number) < 0.4);
  assert.is(bright[2].values.meanIoU, 1);
  // sizes are all equal: one tercile, not three empty ones
  const sizes = finishSlices(acc).filter((s) => s.property === 'size');
  assert.is(sizes.length, 1);
  assert.match(sizes[0].name, /^size all \(100\.\.100\)$/);
});

slices('histogram bins: up to 1024, fewer for many classes, memory within the bound', () => {
  assert.is(binsFor(12), MAX_BINS);
  assert.is(binsFor(150), MIN_BINS);
  assert.ok(binsFor(40) < MAX_BINS && binsFor(40) * 4 * 8 * 40 * 40 <= 16 * 1024 * 1024);
});

slices('groups by file-name prefix (CamVid sequences) or folder, at most MAX_GROUPS', () => {
  assert.is(groupOf('/d/val/0016E5_07959.png', 'prefix'), '0016E5');
  assert.is(groupOf('/d/val/Seq05VD_f00102.png', 'prefix'), 'Seq05VD');
  assert.is(groupOf('/d/val/plain.png', 'prefix'), 'plain');
  assert.is(groupOf('/d/seqA/x.png', 'folder'), 'seqA');
  assert.is(groupOf('/d/x.png', 'none'), null);
  const acc = createSlices(2, 'prefix');
  for (let i = 0; i < MAX_GROUPS + 10; i++) addToSlices(acc, fake(`/d/g${i}_x.png`, 0.5, true));
  const groups = finishSlices(acc).filter((s) => s.property === 'prefix');
  assert.is(groups.length, MAX_GROUPS + 1);
  assert.is(groups.find((g) => g.name === 'prefix (other groups)')?.images, 10);
});
slices.run();
