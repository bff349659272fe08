import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addToPavpu,
  createPavpuStats,
  mergePavpuStats,
  patchAccuracyVsUncertainty,
  pavpuCurve,
  pavpuStatsFromJSON,
  pavpuAtUncertainShare,
  pavpuStatsToJSON,
  pavpuSummary,
} from '../lib/metrics/pavpu';
import { createRandom, nextInt, nextRandom } from '../lib/metrics/random';
import { throwsError } from './fixtures/throws';

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
const stats = createPavpuStats('entropy', C);
for (const im of images) addToPavpu(stats, im.labels, im.predicted, im.values, im.width, im.height, IGNORE);

const s = suite('pavpu');
s('counts at every threshold match the patch loop; the sweep has a point per distinct patch uncertainty', () => {
  const curve = pavpuCurve(stats);
  const ref = reference(images, curve.map((p) => p.threshold));
  // all patches uncertain first, none last; one step per non-empty bin: nearly one per patch here
  assert.is(curve[0].nAC + curve[0].nIC, 0);
  assert.is(curve[curve.length - 1].nAU + curve[curve.length - 1].nIU, 0);
  assert.ok(curve.length > 180, `${curve.length} thresholds for ${curve[0].nAU + curve[0].nIU} patches`);
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
  assert.ok(at.threshold <= 0.5 * MAX && at.threshold > 0.5 * MAX * (1 - 2 ** -10), `${at.threshold} for ${0.5 * MAX}`);
  const ref = reference(images, [at.threshold])[0];
  assert.equal([at.nAC, at.nAU, at.nIC, at.nIU], [ref.ac, ref.au, ref.ic, ref.iu]);
  assert.equal(patchAccuracyVsUncertainty(stats, 0.5 * MAX), at);
});
s('pavpuAtUncertainShare: the uncertain share nearest the one asked for', () => {
  const curve = pavpuCurve(stats);
  const total = curve[0].nAU + curve[0].nIU;
  for (const share of [0, 0.1, 0.37, 1]) {
    const p = pavpuAtUncertainShare(stats, share);
    const got = (p.nAU + p.nIU) / total;
    const nearest = Math.min(...curve.map((q) => Math.abs((q.nAU + q.nIU) / total - share)));
    assert.is(Math.abs(got - share), nearest, `share ${share}: ${got}`);
    assert.ok(nearest <= 4 / total); // patches 0.1% apart share a bin: steps of up to 4 patches here
  }
});
s('the balanced threshold is not degenerate when every uncertainty is tiny (the old 101-point grid put every patch below its first step)', () => {
  const tiny = images.map((im) => ({ ...im, values: im.values.map((v) => v * 1e-6) }));
  const st = createPavpuStats('variance', C);
  for (const im of tiny) addToPavpu(st, im.labels, im.predicted, im.values, im.width, im.height, IGNORE);
  const { fixed } = pavpuSummary(st);
  assert.ok(fixed.nAU + fixed.nIU > 0 && fixed.nAC + fixed.nIC > 0, JSON.stringify(fixed));
  assert.ok(Math.abs(fixed.nAU - fixed.nIC) <= 2, JSON.stringify(fixed));
  assert.ok(fixed.pUncertainGivenInaccurate > 0.5);
});
s('merge(A, B) equals stats over A ∪ B exactly; JSON round-trips', () => {
  const a = createPavpuStats('entropy', C);
  const b = createPavpuStats('entropy', C);
  addToPavpu(a, images[0].labels, images[0].predicted, images[0].values, 67, 42, IGNORE);
  addToPavpu(b, images[1].labels, images[1].predicted, images[1].values, 30, 33, IGNORE);
  const merged = pavpuStatsToJSON(mergePavpuStats(a, b));
  assert.equal(merged, pavpuStatsToJSON(stats));
  assert.equal(pavpuStatsToJSON(pavpuStatsFromJSON(JSON.parse(JSON.stringify(merged)) as unknown)), merged);
});
s('EXPECTED FAILURE: size mismatch, NaN, bad options', () => {
  const im = images[1];
  throwsError(() => addToPavpu(createPavpuStats('entropy', C), im.labels, im.predicted, im.values, 31, 33, IGNORE), RangeError, /^labels must have length 1023, got 990$/);
  const v = Float32Array.from(im.values);
  v[40] = NaN;
  assert.throws(() => addToPavpu(createPavpuStats('entropy', C), im.labels, im.predicted, v, 30, 33, IGNORE), (e: unknown) => e instanceof RangeError && /entropy\[40\]/.test(e.message));
  throwsError(() => createPavpuStats('entropy', C, { patchSize: 0 }), RangeError, /^patchSize must be an integer in 1\.\.4096, got 0$/);
  throwsError(() => mergePavpuStats(createPavpuStats('entropy', C), createPavpuStats('entropy', C, { patchSize: 2 })), RangeError, /^cannot merge statistics with different patchSize: 4 vs 2$/);
});
s.run();
