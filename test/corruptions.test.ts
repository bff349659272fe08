/**
 * lib/corruptions against the reference (bethgelab imagecorruptions): deterministic ones
 * pixel by pixel against scipy / PIL / colorsys computing the reference's formula, noisy ones
 * by their statistics (std, Poisson mean and variance, flip rate), blur kernels by their
 * impulse response, JPEG by its quantisation tables against PIL's at the same quality.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCorruption, checkSeverity, corrupt, CORRUPTIONS, SEVERITY_CONSTANTS } from '../lib/corruptions';
import { arange, motionBlurFloat } from '../lib/corruptions/blur';
import { encodeJpeg, warp, elasticField } from '../lib/corruptions/digital';
import { plane } from '../lib/corruptions/filters';
import { CorruptionRandom } from '../lib/corruptions/random';
import { fogWith, plasmaFractal } from '../lib/corruptions/weather';
import type { RgbImage } from '../lib/image/types';
import { PYTHON, pythonHas } from './fixtures/python-check';

/** A smooth random image (so blurs and zooms have structure), 8-bit RGB. */
function testImage(w: number, h: number, seed = 1): RgbImage {
  const r = new CorruptionRandom(['test', seed]);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    const v = 128 + 60 * Math.sin((x + 3 * c) / 5) * Math.cos(y / 7) + 40 * (r.uniform() - 0.5);
    data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return { width: w, height: h, data };
}

function flat(w: number, h: number, v: number): RgbImage {
  return { width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) };
}

function meanStd(values: ArrayLike<number>): [number, number] {
  let s = 0, s2 = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i];
    s2 += values[i] * values[i];
  }
  const m = s / values.length;
  return [m, Math.sqrt(s2 / values.length - m * m)];
}

const api = suite('corrupt: names, severities, determinism');

api('every corruption at every severity keeps the size; same arguments give the same pixels, another key other noise', async () => {
  const img = testImage(40, 34);
  for (const name of CORRUPTIONS) {
    for (const s of [1, 5]) {
      const a = await corrupt(img, name, s, 7, 'a.png');
      assert.is(a.width, 40, name);
      assert.is(a.height, 34, name);
      assert.is(a.data.length, 40 * 34 * 3, name);
      assert.equal(Buffer.from((await corrupt(img, name, s, 7, 'a.png')).data), Buffer.from(a.data), `${name} ${s} repeats`);
    }
  }
  for (const name of ['gaussian-noise', 'shot-noise', 'impulse-noise', 'fog', 'spatter', 'elastic-transform', 'motion-blur', 'snow', 'glass-blur'] as const) {
    const a = await corrupt(img, name, 3, 7, 'a.png');
    assert.not.equal(Buffer.from((await corrupt(img, name, 3, 7, 'b.png')).data), Buffer.from(a.data), `${name}: another image key`);
    assert.not.equal(Buffer.from((await corrupt(img, name, 3, 8, 'a.png')).data), Buffer.from(a.data), `${name}: another seed`);
  }
});

api('names: underscores read as hyphens; unknown and frost say why', () => {
  assert.is(checkCorruption('gaussian_noise'), 'gaussian-noise');
  assert.throws(() => checkCorruption('rain'), (e: Error) => /unknown corruption 'rain'; one of: gaussian-noise/.test(e.message));
  assert.throws(() => checkCorruption('frost'), (e: Error) => /frost photos/.test(e.message));
  assert.throws(() => checkSeverity(6), (e: Error) => /severity must be an integer 1-5, got 6/.test(e.message));
});

const noise = suite('noise statistics');

noise('gaussian noise: std c * 255 on mid-grey (severities 1 and 3: 0.08, 0.18)', async () => {
  for (const [s, c] of [[1, 0.08], [3, 0.18]] as const) {
    const out = await corrupt(flat(200, 150, 128), 'gaussian-noise', s, 0, 'g');
    const [m, sd] = meanStd(Array.from(out.data, (v) => v + 0.5 - 128)); // truncation lowers by 0.5 on average
    assert.ok(Math.abs(sd - c * 255) < 0.02 * c * 255, `std ${sd} vs ${c * 255}`);
    assert.ok(Math.abs(m) < 0.3, `mean ${m}`);
  }
});

noise('shot noise: Poisson(x c) / c has mean x and variance x / c (severity 2: c = 25)', async () => {
  const out = await corrupt(flat(200, 150, 102), 'shot-noise', 2, 0, 's');
  const x = 102 / 255, c = 25;
  const k = Array.from(out.data, (v) => Math.round(((v + 0.5) / 255) * c)); // back to photon counts
  const [m, sd] = meanStd(k);
  assert.ok(Math.abs(m - x * c) < 0.05, `mean count ${m} vs ${x * c}`);
  assert.ok(Math.abs(sd * sd - x * c) < 0.1, `variance ${sd * sd} vs ${x * c}`);
});

noise('impulse noise: a share c of the values flips, half to 0 and half to 255 (severity 4: 0.17)', async () => {
  const out = await corrupt(flat(200, 150, 100), 'impulse-noise', 4, 0, 'i');
  let lo = 0, hi = 0;
  for (const v of out.data) if (v === 0) lo++; else if (v === 255) hi++;
  const n = out.data.length;
  assert.ok(Math.abs((lo + hi) / n - 0.17) < 0.005, `flipped ${(lo + hi) / n}`);
  assert.ok(Math.abs(lo / (lo + hi) - 0.5) < 0.02, `pepper share ${lo / (lo + hi)}`);
});

noise('speckle noise: std x c * 255 (severity 2: 0.2)', async () => {
  const out = await corrupt(flat(200, 150, 100), 'speckle-noise', 2, 0, 'p');
  const [, sd] = meanStd(out.data);
  assert.ok(Math.abs(sd - 100 * 0.2) < 0.5, `std ${sd}`);
});

noise('motion blur: a point spreads into the one-sided Gaussian exp(-i^2 / 2 sigma^2) / Z along the angle', () => {
  const w = 60, h = 9;
  const img = plane(w, h);
  img.data[4 * w + 10] = 1;
  const out = motionBlurFloat(img, 10, 3, 0).data; // angle 0: shifts of -i columns pull from x + i
  let z = 0;
  for (let i = 0; i < 21; i++) z += Math.exp(-(i * i) / 18);
  for (let i = 0; i <= 10; i++) assert.ok(Math.abs(out[4 * w + 10 - i] - Math.exp(-(i * i) / 18) / z) < 1e-12, `tap ${i}`);
});

noise('plasma fractal: in [0, 1], touching both ends; fog is (x + c p) max / (max + c)', () => {
  const p = plasmaFractal(64, 2, new CorruptionRandom(['plasma']));
  assert.is(Math.min(...p), 0);
  assert.is(Math.max(...p), 1);
  const img = testImage(8, 6);
  const fogged = fogWith(img, p, 64, 2.5);
  const max = Math.max(...img.data) / 255;
  for (const i of [0, 17, 100, 143]) {
    const px = Math.floor(i / 3), y = Math.floor(px / 8), x = px % 8;
    const want = Math.floor(Math.min(1, ((img.data[i] / 255 + 2.5 * p[y * 64 + x]) * max) / (max + 2.5)) * 255);
    assert.is(fogged.data[i], want, `value ${i}`);
  }
});

noise('spatter: mud (severities 4-5) blends towards (63, 42, 20) by m in {0} or [0.8, 1]; water (1-3) adds pale turquoise (175, 238, 238)', async () => {
  const img = flat(120, 90, 200);
  const mud = await corrupt(img, 'spatter', 5, 0, 'mud');
  let changed = 0;
  for (let p = 0; p < 120 * 90; p++) {
    const px = Array.from(mud.data.subarray(p * 3, p * 3 + 3));
    if (px.every((v) => v === 200)) continue;
    changed++;
    const t = (200 - px[0]) / (200 - 63); // the blend weight, from the red channel
    assert.ok(t >= 0.8 - 0.01 && t <= 1.01, `weight ${t}`);
    for (const [k, target] of [[1, 42], [2, 20]]) assert.ok(Math.abs(px[k] - (200 * (1 - t) + target * t)) <= 1.5, `channel ${k}: ${px}`);
  }
  assert.ok(changed > 0, 'some mud');
  const water = await corrupt(flat(120, 90, 10), 'spatter', 3, 0, 'water');
  let n = 0;
  for (let p = 0; p < 120 * 90; p++) {
    const d = Array.from(water.data.subarray(p * 3, p * 3 + 3), (v) => v - 10);
    if (d[1] < 40) continue;
    n++;
    assert.ok(Math.abs(d[1] - d[2]) <= 1, `green and blue rise alike: ${d}`);
    assert.ok(Math.abs(d[0] / d[1] - 175 / 238) < 0.05, `red rises 175/238 as much: ${d}`);
  }
  assert.ok(n > 0, 'some water');
});

noise('snow: away from the flakes a black image becomes (1 - blend) max(x, 1.5 grey + 0.5) (severity 1: blend 0.8 -> 25)', async () => {
  const out = await corrupt(flat(100, 80, 0), 'snow', 1, 0, 'snow');
  const counts = new Map<number, number>();
  for (const v of out.data) counts.set(v, (counts.get(v) ?? 0) + 1);
  const mode = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  assert.is(mode, Math.floor(0.2 * 0.5 * 255));
  assert.ok(Math.max(...out.data) > 100, 'flakes are bright');
});

noise('glass blur: a flat image stays flat; otherwise local copies keep the mean', async () => {
  const flatOut = (await corrupt(flat(40, 30, 77), 'glass-blur', 5, 0, 'g')).data;
  assert.ok(flatOut.every((v) => v === flatOut[0]) && Math.abs(flatOut[0] - 77) <= 1, `${flatOut[0]}`); // the reference's truncations may take one level
  const img = testImage(60, 50);
  const out = await corrupt(img, 'glass-blur', 3, 0, 'g');
  const [a] = meanStd(img.data), [b] = meanStd(out.data);
  assert.ok(Math.abs(a - b) < 2, `${a} vs ${b}`);
  assert.not.equal(Buffer.from(out.data), Buffer.from((await corrupt(img, 'gaussian-blur', 1)).data));
});

const HAS = pythonHas('numpy', 'scipy', 'PIL');
const ref = suite('against numpy / scipy / PIL / colorsys');
if (!HAS) console.log('  SKIPPED corruptions reference checks: /usr/bin/python3 lacks numpy, scipy or PIL (.ci/run installs them)');

const W = 48, H = 40;
const PY = String.raw`
import json, sys, io, colorsys, numpy as np
from scipy import ndimage
from PIL import Image
d = sys.argv[1]
img = np.fromfile(d + '/img.bin', dtype=np.uint8).reshape(${H}, ${W}, 3)
x = img / 255.
out = {}
u8 = lambda a: np.uint8(np.clip(a, 0, 1) * 255).ravel().tolist()
out['gaussian-blur-2'] = u8(ndimage.gaussian_filter(x, sigma=(2, 2, 0), mode='nearest', truncate=4.0))
def disk(r, ab):
    half = 8 if r <= 8 else int(r)
    L = np.arange(-half, half + 1); X, Y = np.meshgrid(L, L)
    k = ((X ** 2 + Y ** 2) <= r ** 2).astype(np.float64); k /= k.sum()
    n = 3 if r <= 8 else 5; t = np.arange(n) - (n - 1) / 2; g = np.exp(-t ** 2 / (2 * ab ** 2)); g /= g.sum()
    return ndimage.correlate1d(ndimage.correlate1d(k, g, axis=0, mode='mirror'), g, axis=1, mode='mirror')
for s, (r, ab) in ((2, (4, 0.5)), (5, (10, 0.5))):
    k = disk(r, ab)
    out['defocus-blur-%d' % s] = u8(np.stack([ndimage.correlate(x[..., c], k, mode='mirror') for c in range(3)], -1))
def czoom(a, z):
    h, w = a.shape[:2]; c0 = int(np.ceil(h / z)); c1 = int(np.ceil(w / z)); t0 = (h - c0) // 2; t1 = (w - c1) // 2
    return ndimage.zoom(a[t0:t0 + c0, t1:t1 + c1], (z, z, 1), order=1)[:h, :w]
for s, a in ((1, (1, 1.11, 0.01)), (3, (1, 1.21, 0.02))):
    zs = np.arange(*a)
    out['zoom-blur-%d' % s] = u8((x + sum(czoom(x, z) for z in zs)) / (len(zs) + 1))
m = x.mean(axis=(0, 1), keepdims=True)
out['contrast-4'] = u8((x - m) * 0.1 + m)
def hsvmap(f):
    y = np.empty_like(x)
    for i in range(${H}):
        for j in range(${W}):
            h, s, v = colorsys.rgb_to_hsv(*x[i, j]); y[i, j] = colorsys.hsv_to_rgb(*f(h, s, v))
    return y
out['brightness-3'] = u8(hsvmap(lambda h, s, v: (h, s, min(1, v + 0.3))))
out['saturate-5'] = u8(hsvmap(lambda h, s, v: (h, min(1, max(0, s * 20 + 0.2)), v)))
pil = Image.fromarray(img)
out['pixelate-3'] = np.asarray(pil.resize((int(${W} * 0.4), int(${H} * 0.4)), Image.BOX).resize((${W}, ${H}), Image.NEAREST)).ravel().tolist()
ours = Image.open(d + '/q10.jpg'); buf = io.BytesIO(); pil.save(buf, 'JPEG', quality=10); theirs = Image.open(io.BytesIO(buf.getvalue()))
from PIL import JpegImagePlugin
out['jpeg'] = dict(same_tables=[list(ours.quantization[k]) for k in sorted(ours.quantization)] == [list(theirs.quantization[k]) for k in sorted(theirs.quantization)],
                   sampling=[JpegImagePlugin.get_sampling(ours), JpegImagePlugin.get_sampling(theirs)], pixels=np.asarray(ours.convert('RGB')).ravel().tolist())
noise = np.fromfile(d + '/noise.bin', dtype=np.float64).reshape(${H}, ${W})
out['smooth'] = ndimage.gaussian_filter(noise, sigma=(${H} * 0.01, ${W} * 0.01), mode='reflect', truncate=3).ravel().tolist()
dx = np.fromfile(d + '/dx.bin', dtype=np.float64).reshape(${H}, ${W}); dy = np.fromfile(d + '/dy.bin', dtype=np.float64).reshape(${H}, ${W})
yy, xx, zz = np.meshgrid(np.arange(${H}), np.arange(${W}), np.arange(3), indexing='ij')
out['warp'] = u8(ndimage.map_coordinates(x, (yy + dy[..., None], xx + dx[..., None], zz), order=1, mode='reflect'))
out['zooms'] = [np.arange(*a).tolist() for a in ${JSON.stringify(SEVERITY_CONSTANTS['zoom-blur'])}]
print(json.dumps(out))
`;

/** Largest |a - b| and the share of equal values. */
function compare(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; equal: number } {
  assert.is(a.length, b.length);
  let max = 0, eq = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    if (d === 0) eq++;
  }
  return { max, equal: eq / a.length };
}

if (HAS) ref('each deterministic corruption and piece matches the reference formula within one level', async () => {
  const img = testImage(W, H, 3);
  const dir = mkdtempSync(path.join(tmpdir(), 'corrupt-'));
  writeFileSync(path.join(dir, 'img.bin'), img.data);
  writeFileSync(path.join(dir, 'q10.jpg'), await encodeJpeg(img, 10));
  const rng = new CorruptionRandom(['fields']);
  const noiseField = Float64Array.from({ length: W * H }, () => rng.between(-1, 1));
  writeFileSync(path.join(dir, 'noise.bin'), Buffer.from(noiseField.buffer));
  const dx = elasticField(W, H, 250 * 0.1, new CorruptionRandom(['dx']));
  const dy = elasticField(W, H, 250 * 0.1, new CorruptionRandom(['dy']));
  for (let i = 0; i < dx.length; i++) {
    dx[i] *= 20; // large enough to reach past the borders
    dy[i] *= 20;
  }
  writeFileSync(path.join(dir, 'dx.bin'), Buffer.from(dx.buffer));
  writeFileSync(path.join(dir, 'dy.bin'), Buffer.from(dy.buffer));
  const run = spawnSync(PYTHON, ['-c', PY, dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.is(run.status, 0, run.stderr);
  const want = JSON.parse(run.stdout) as Record<string, number[]> & { zooms: number[][]; jpeg: { same_tables: boolean; sampling: number[]; pixels: number[] }; smooth: number[] };
  const checks: [string, Promise<RgbImage>][] = [
    ['gaussian-blur-2', corrupt(img, 'gaussian-blur', 2)], ['defocus-blur-2', corrupt(img, 'defocus-blur', 2)], ['defocus-blur-5', corrupt(img, 'defocus-blur', 5)],
    ['zoom-blur-1', corrupt(img, 'zoom-blur', 1)], ['zoom-blur-3', corrupt(img, 'zoom-blur', 3)], ['contrast-4', corrupt(img, 'contrast', 4)], ['brightness-3', corrupt(img, 'brightness', 3)],
    ['saturate-5', corrupt(img, 'saturate', 5)], ['pixelate-3', corrupt(img, 'pixelate', 3)],
  ];
  for (const [key, p] of checks) {
    const c = compare((await p).data, want[key]);
    assert.ok(c.max <= 1 && c.equal > 0.95, `${key}: max diff ${c.max}, equal ${c.equal}`);
  }
  assert.ok(want.jpeg.same_tables, 'JPEG quantisation tables equal PIL\'s at quality 10');
  assert.equal(want.jpeg.sampling, [2, 2], '4:2:0 chroma as PIL');
  const jpeg = compare((await corrupt(img, 'jpeg-compression', 4)).data, want.jpeg.pixels); // severity 4: quality 10
  assert.ok(jpeg.max <= 2, `JPEG decode vs PIL: max diff ${jpeg.max}`);
  const smooth = compare(elasticSmooth(noiseField), want.smooth);
  assert.ok(smooth.max < 1e-6, `elastic smoothing vs scipy (float32 as the reference): ${smooth.max}`);
  const warped = compare(warp(img, dx, dy).data, want.warp);
  assert.ok(warped.max <= 1 && warped.equal > 0.97, `elastic warp vs map_coordinates: max diff ${warped.max}, equal ${warped.equal}`);
  // numpy.arange's float steps: severity 1 has 12 factors, up to 1.11
  assert.equal(SEVERITY_CONSTANTS['zoom-blur'].map(([a, b, c]) => arange(a, b, c)), want.zooms);
});

/** elasticField's smoothing alone: alpha 1 over a given noise field. */
function elasticSmooth(noiseField: Float64Array): Float64Array {
  let i = 0;
  const fake = { between: () => noiseField[i++] } as unknown as CorruptionRandom;
  return Float64Array.from(elasticField(W, H, 1, fake));
}

api.run();
noise.run();
ref.run();
