import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addToPavpu,
  createPavpuStats,
  mergePavpuStats,
  patchAccuracyVsUncertainty,
  pavpuCurve,
  pavpuStatsFromJSON,
  pavpuStatsToJSON,
  pavpuSummary,
} from '../lib/metrics/pavpu';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';

const C = 4;
const IGNORE = 9;
const MAX = Math.log(C);

/** W, H not multiples of 4 (partial edge patches); blobs of errors with higher uncertainty; an all-ignore region */
function image(seed: number, width: number, height: number) {
  const r = createRandom(seed);
  const n = width * height;
  const labels = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  const values = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const hard = ((x >> 3) + (y >> 3)) % 3 === 0;
      labels[i] = x < 4 && y < 8 ? IGNORE : nextInt(r, 20) === 0 ? IGNORE : nextInt(r, C);
      predicted[i] = nextRandom(r) < (hard ? 0.6 : 0.1) ? (labels[i] + 1) % C : labels[i] % C;
      values[i] = (nextRandom(r) * 0.8 + (hard ? 0.5 : 0)) * MAX;
    }
  }
  return { labels, predicted, values, width, height };
}

/** reference: loops over patches and over each threshold, straight from Mukhoti & Gal */
function reference(images: ReturnType<typeof image>[], thresholds: number[]) {
  return thresholds.map((t) => {
    let ac = 0;
    let au = 0;
    let ic = 0;
    let iu = 0;
    for (const im of images) {
      for (let py = 0; py + 4 <= im.height; py += 4) {
        for (let px = 0; px + 4 <= im.width; px += 4) {
          const pix: number[] = [];
          for (let y = py; y < py + 4; y++) for (let x = px; x < px + 4; x++) if (im.labels[y * im.width + x] !== IGNORE) pix.push(y * im.width + x);
          if (pix.length === 0) continue;
          const acc = pix.filter((i) => im.labels[i] === im.predicted[i]).length / pix.length;
          const u = pix.reduce((s, i) => s + Math.min(MAX, Math.max(0, im.values[i])), 0) / pix.length;
          const accurate = acc >= 0.5;
          const uncertain = u >= t;
          if (accurate && !uncertain) ac++;
          if (accurate && uncertain) au++;
          if (!accurate && !uncertain) ic++;
          if (!accurate && uncertain) iu++;
        }
      }
    }
    return { ac, au, ic, iu };
  });
}

const images = [image(1, 67, 42), image(2, 30, 33)];
const stats = createPavpuStats('entropy', C, { thresholds: 41 });
for (const im of images) addToPavpu(stats, im.labels, im.predicted, im.values, im.width, im.height, IGNORE);

const s = suite('pavpu');
s('are functions', () => {
  for (const f of [createPavpuStats, addToPavpu, mergePavpuStats, pavpuCurve, patchAccuracyVsUncertainty, pavpuSummary]) assert.type(f, 'function');
});
s('counts at every threshold match the patch loop', () => {
  const curve = pavpuCurve(stats);
  const ref = reference(images, Array.from(stats.thresholds));
  curve.forEach((p, j) => {
    assert.equal([p.nAC, p.nAU, p.nIC, p.nIU], [ref[j].ac, ref[j].au, ref[j].ic, ref[j].iu], `threshold ${p.threshold}`);
    const total = ref[j].ac + ref[j].au + ref[j].ic + ref[j].iu;
    assert.ok(Math.abs(p.pavpu - (ref[j].ac + ref[j].iu) / total) < 1e-12);
    if (ref[j].ac + ref[j].ic > 0) assert.ok(Math.abs(p.pAccurateGivenCertain - ref[j].ac / (ref[j].ac + ref[j].ic)) < 1e-12);
    assert.ok(Math.abs(p.pUncertainGivenInaccurate - ref[j].iu / (ref[j].ic + ref[j].iu)) < 1e-12);
  });
  // 16 + 7*8 patches in image 1 minus 2 all-ignore, 7*8 in image 2 minus 2
  assert.is(curve[0].nAU + curve[0].nIU, 16 * 10 - 2 + 7 * 8 - 2);
});
s('summary: best maximises PAvPU; fixed at a given or the balanced threshold', () => {
  const curve = pavpuCurve(stats);
  const { best, fixed } = pavpuSummary(stats);
  assert.is(best.pavpu, Math.max(...curve.map((p) => p.pavpu)));
  const diffs = curve.map((p) => Math.abs(p.nAU - p.nIC));
  assert.is(Math.abs(fixed.nAU - fixed.nIC), Math.min(...diffs));
  assert.ok(best.pavpu > 0.6);
  const at = pavpuSummary(stats, 0.5 * MAX).fixed;
  assert.ok(Math.abs(at.threshold - 0.5 * MAX) < 1e-12);
  assert.equal(patchAccuracyVsUncertainty(stats, 0.51 * MAX), at);
});
s('merge(A, B) equals stats over A ∪ B exactly; JSON round-trips', () => {
  const a = createPavpuStats('entropy', C, { thresholds: 41 });
  const b = createPavpuStats('entropy', C, { thresholds: 41 });
  addToPavpu(a, images[0].labels, images[0].predicted, images[0].values, 67, 42, IGNORE);
  addToPavpu(b, images[1].labels, images[1].predicted, images[1].values, 30, 33, IGNORE);
  const merged = pavpuStatsToJSON(mergePavpuStats(a, b));
  assert.equal(merged, pavpuStatsToJSON(stats));
  assert.equal(pavpuStatsToJSON(pavpuStatsFromJSON(JSON.parse(JSON.stringify(merged)) as unknown)), merged);
});
s('EXPECTED FAILURE: size mismatch, NaN, bad options', () => {
  const im = images[1];
  assert.throws(() => addToPavpu(createPavpuStats('entropy', C), im.labels, im.predicted, im.values, 31, 33, IGNORE), RangeError);
  const v = Float32Array.from(im.values);
  v[40] = NaN;
  assert.throws(() => addToPavpu(createPavpuStats('entropy', C), im.labels, im.predicted, v, 30, 33, IGNORE), (e: unknown) => e instanceof RangeError && /entropy\[40\]/.test(e.message));
  assert.throws(() => createPavpuStats('entropy', C, { patchSize: 0 }), RangeError);
  assert.throws(() => mergePavpuStats(createPavpuStats('entropy', C), createPavpuStats('entropy', C, { patchSize: 2 })), RangeError);
});
s.run();
