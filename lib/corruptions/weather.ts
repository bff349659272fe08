/**
 * Weather corruptions (imagecorruptions' fog, snow, spatter). Fog adds a plasma fractal
 * (diamond-square, as the reference's plasma_fractal); snow is zoomed, thresholded,
 * motion-blurred noise over a brightened image; spatter is thresholded smoothed noise: water
 * drops with bright rims (severities 1-3) or mud (4-5).
 */
import type { RgbImage } from '../image/types';
import { clippedZoom, motionBlurFloat } from './blur';
import { cannyEdges, distanceTransform, equalizeHist, filter2dU8, boxBlur3 } from './edges';
import { gaussianFilter, plane, toFloat, toUint8 } from './filters';
import type { CorruptionRandom } from './random';

/**
 * A mapsize x mapsize height map in [0, 1] (mapsize a power of two): each step sets square
 * centres to the mean of their corners and diamond centres to the mean of their neighbours
 * (wrapping around), each plus wibble * U(-wibble, wibble); wibble starts at 100 and is divided
 * by `decay` per step, so larger decays give smoother fog.
 */
export function plasmaFractal(mapsize: number, decay: number, rng: CorruptionRandom): Float64Array {
  if (mapsize < 1 || (mapsize & (mapsize - 1)) !== 0) throw new RangeError(`mapsize must be a power of two, got ${mapsize}`);
  const n = mapsize;
  const map = new Float64Array(n * n);
  let wibble = 100;
  const at = (y: number, x: number): number => map[y * n + x];
  const wibbled = (sum: number): number => sum / 4 + wibble * rng.between(-wibble, wibble);
  for (let step = n; step >= 2; step >>= 1) {
    const m = n / step;
    const half = step / 2;
    const mod = (i: number): number => ((i % m) + m) % m;
    // squares: corners (i, j), (i+1, j), (i, j+1), (i+1, j+1) of the step grid
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      const s = at(i * step, j * step) + at(mod(i + 1) * step, j * step) + at(i * step, mod(j + 1) * step) + at(mod(i + 1) * step, mod(j + 1) * step);
      map[(i * step + half) * n + j * step + half] = wibbled(s);
    }
    const dr = (i: number, j: number): number => at(mod(i) * step + half, mod(j) * step + half);
    const ul = (i: number, j: number): number => at(mod(i) * step, mod(j) * step);
    // diamonds on the grid rows, then on the grid columns (both read the values before either is set)
    const top = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) top[i * m + j] = dr(i, j) + dr(i - 1, j) + ul(i, j) + ul(i, j + 1);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) map[i * step * n + j * step + half] = wibbled(top[i * m + j]);
    const left = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) left[i * m + j] = dr(i, j) + dr(i, j - 1) + ul(i, j) + ul(i + 1, j);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) map[(i * step + half) * n + j * step] = wibbled(left[i * m + j]);
    wibble /= decay;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  for (let i = 0; i < map.length; i++) map[i] = hi > lo ? (map[i] - lo) / (hi - lo) : 0;
  return map;
}

/** (x + c p) max(x) / (max(x) + c), p the fractal's top-left corner. */
export function fogWith(img: RgbImage, fractal: Float64Array, mapsize: number, c: number): RgbImage {
  const x = toFloat(img);
  let max = 0;
  for (const v of x.data) max = Math.max(max, v);
  const d = x.data;
  for (let y = 0; y < img.height; y++) {
    for (let xx = 0; xx < img.width; xx++) {
      const p = c * fractal[y * mapsize + xx];
      for (let k = 0; k < 3; k++) {
        const i = (y * img.width + xx) * 3 + k;
        d[i] = ((d[i] + p) * max) / (max + c);
      }
    }
  }
  return toUint8(x);
}

export function fog(img: RgbImage, c: number, decay: number, rng: CorruptionRandom): RgbImage {
  let mapsize = 1;
  while (mapsize < Math.max(img.width, img.height, 3)) mapsize *= 2;
  return fogWith(img, plasmaFractal(mapsize, decay, rng), mapsize, c);
}

/** Snow constants: noise mean and std, zoom, threshold, streak radius and sigma, blend of the image. */
export type SnowConstants = readonly [number, number, number, number, number, number, number];

export function snow(img: RgbImage, c: SnowConstants, rng: CorruptionRandom): RgbImage {
  const { width: w, height: h } = img;
  const noise = new Float64Array(w * h);
  for (let i = 0; i < noise.length; i++) noise[i] = c[0] + c[1] * rng.normal();
  const layer = clippedZoom(plane(w, h, noise), c[2]).data;
  for (let i = 0; i < layer.length; i++) layer[i] = layer[i] < c[3] ? 0 : Math.min(1, layer[i]);
  const streaks = motionBlurFloat(plane(w, h, layer), c[4], c[5], rng.between(-135, -45)).data;
  for (let i = 0; i < streaks.length; i++) streaks[i] = Math.round(Math.min(255, Math.max(0, streaks[i] * 255))) / 255;
  const x = toFloat(img);
  const d = x.data;
  for (let p = 0; p < w * h; p++) {
    const gray = 0.299 * d[p * 3] + 0.587 * d[p * 3 + 1] + 0.114 * d[p * 3 + 2];
    const flake = streaks[p] + streaks[w * h - 1 - p]; // the layer plus itself turned 180 degrees
    for (let k = 0; k < 3; k++) {
      const v = d[p * 3 + k];
      d[p * 3 + k] = c[6] * v + (1 - c[6]) * Math.max(v, gray * 1.5 + 0.5) + flake;
    }
  }
  return toUint8(x);
}

/** Spatter constants: noise mean and std, smoothing sigma, threshold, strength (water) or mud sigma, 0 water / 1 mud. */
export type SpatterConstants = readonly [number, number, number, number, number, 0 | 1];

export function spatter(img: RgbImage, c: SpatterConstants, rng: CorruptionRandom): RgbImage {
  const { width: w, height: h } = img;
  const noise = new Float64Array(w * h);
  for (let i = 0; i < noise.length; i++) noise[i] = c[0] + c[1] * rng.normal();
  const liquid = gaussianFilter(plane(w, h, noise), c[2], c[2], 'nearest').data;
  for (let i = 0; i < liquid.length; i++) if (liquid[i] < c[3]) liquid[i] = 0;
  const x = toFloat(img);
  const d = x.data;
  if (c[5] === 0) {
    // water: drops brightened towards their rims (distance to the drop edges, equalised and embossed)
    const drops = Uint8Array.from(liquid, (v) => Math.trunc(v * 255) & 255);
    const edges = cannyEdges(drops, w, h, 50, 150);
    const far = distanceTransform(Uint8Array.from(edges, (e) => 255 - e), w, h);
    const trunc = Uint8Array.from(boxBlur3(Float64Array.from(far, (v) => Math.min(v, 20)), w, h), (v) => Math.trunc(v));
    const emboss = filter2dU8(equalizeHist(trunc), w, h, [-2, -1, 0, -1, 1, 1, 0, 1, 2]);
    const dist = boxBlur3(Float64Array.from(emboss), w, h);
    const m = new Float64Array(w * h);
    let max = 0;
    for (let i = 0; i < m.length; i++) max = Math.max(max, m[i] = drops[i] * Math.fround(dist[i]));
    const color = [175 / 255, 238 / 255, 238 / 255];
    for (let p = 0; p < w * h; p++) for (let k = 0; k < 3; k++) d[p * 3 + k] += (max > 0 ? (m[p] / max) * c[4] : 0) * color[k];
    return toUint8(x);
  }
  // mud: the thresholded drops smoothed, kept where >= 0.8, blended towards brown
  const mask = gaussianFilter(plane(w, h, Float64Array.from(liquid, (v) => (v > c[3] ? 1 : 0))), c[4], c[4], 'nearest').data;
  const mud = [63 / 255, 42 / 255, 20 / 255];
  for (let p = 0; p < w * h; p++) {
    const m = mask[p] < 0.8 ? 0 : mask[p];
    for (let k = 0; k < 3; k++) d[p * 3 + k] = d[p * 3 + k] * (1 - m) + mud[k] * m;
  }
  return toUint8(x);
}
