/**
 * The OpenCV steps spatter's water drops go through (cv2.Canny, distanceTransform,
 * equalizeHist, filter2D to 8 bits, blur), on single-channel rows x cols planes.
 */
import { borderIndex } from './filters';

/**
 * cv2.Canny(img, low, high) with its defaults: 3x3 Sobel (replicated border), L1 magnitude,
 * non-maximum suppression along the nearest of four directions, hysteresis over 8 neighbours.
 * 255 on edges, 0 elsewhere.
 */
export function cannyEdges(img: Uint8Array, w: number, h: number, low: number, high: number): Uint8Array {
  const at = (y: number, x: number): number => img[borderIndex(y, h, 'nearest') * w + borderIndex(x, w, 'nearest')];
  const gx = new Int32Array(w * h);
  const gy = new Int32Array(w * h);
  const mag = new Int32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const dx = at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y, x - 1) - at(y + 1, x - 1);
    const dy = at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y - 1, x) - at(y - 1, x + 1);
    const i = y * w + x;
    gx[i] = dx;
    gy[i] = dy;
    mag[i] = Math.abs(dx) + Math.abs(dy);
  }
  const m = (y: number, x: number): number => (y < 0 || y >= h || x < 0 || x >= w ? 0 : mag[y * w + x]);
  const TG22 = Math.tan(Math.PI / 8);
  const state = new Uint8Array(w * h); // 0 none, 1 weak, 2 strong
  const stack: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    const v = mag[i];
    if (v <= low) continue;
    const ax = Math.abs(gx[i]);
    const ay = Math.abs(gy[i]);
    let peak: boolean;
    if (ay < ax * TG22) peak = v > m(y, x - 1) && v >= m(y, x + 1);
    else if (ay > ax * (TG22 + 2)) peak = v > m(y - 1, x) && v >= m(y + 1, x);
    else {
      const s = (gx[i] ^ gy[i]) < 0 ? -1 : 1;
      peak = v > m(y - 1, x - s) && v > m(y + 1, x + s);
    }
    if (!peak) continue;
    if (v > high) {
      state[i] = 2;
      stack.push(i);
    } else state[i] = 1;
  }
  while (stack.length) {
    const i = stack.pop() as number;
    const y = Math.floor(i / w);
    const x = i - y * w;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const j = yy * w + xx;
      if (state[j] === 1) {
        state[j] = 2;
        stack.push(j);
      }
    }
  }
  return Uint8Array.from(state, (s) => (s === 2 ? 255 : 0));
}

/** cv2.distanceTransform(img, DIST_L2, 5): chamfer distance to the nearest 0 pixel, steps 1, 1.4 and 2.1969. */
export function distanceTransform(img: Uint8Array, w: number, h: number): Float64Array {
  const INF = 1e20;
  const d = Float64Array.from(img, (v) => (v === 0 ? 0 : INF));
  const A = 1, B = 1.4, C = 2.1969;
  const forward: readonly (readonly [number, number, number])[] = [[0, -1, A], [-1, 0, A], [-1, -1, B], [-1, 1, B], [-2, -1, C], [-2, 1, C], [-1, -2, C], [-1, 2, C]];
  const pass = (ys: number[], xs: number[], sign: number): void => {
    for (const y of ys) for (const x of xs) {
      const i = y * w + x;
      let best = d[i];
      for (const [dy, dx, cost] of forward) {
        const yy = y + sign * dy, xx = x + sign * dx;
        if (yy >= 0 && yy < h && xx >= 0 && xx < w) best = Math.min(best, d[yy * w + xx] + cost);
      }
      d[i] = best;
    }
  };
  const rows = Array.from({ length: h }, (_, i) => i);
  const cols = Array.from({ length: w }, (_, i) => i);
  pass(rows, cols, 1);
  pass(rows.reverse(), cols.reverse(), -1);
  return d;
}

/** cv2.blur(img, (3, 3)): the 3x3 mean, reflect-101 borders. */
export function boxBlur3(img: Float64Array, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += img[borderIndex(y + dy, h, 'mirror') * w + borderIndex(x + dx, w, 'mirror')];
    out[y * w + x] = s / 9;
  }
  return out;
}

/** cv2.equalizeHist: levels mapped through the histogram's cumulative sum from the first used level. */
export function equalizeHist(img: Uint8Array): Uint8Array {
  const hist = new Float64Array(256);
  for (const v of img) hist[v]++;
  let first = 0;
  while (first < 255 && hist[first] === 0) first++;
  if (hist[first] === img.length) return new Uint8Array(img.length).fill(first);
  const scale = 255 / (img.length - hist[first]);
  const lut = new Uint8Array(256);
  let sum = 0;
  for (let i = first + 1; i < 256; i++) {
    sum += hist[i];
    lut[i] = Math.min(255, Math.round(sum * scale));
  }
  return Uint8Array.from(img, (v) => lut[v]);
}

/** cv2.filter2D(img, CV_8U, 3x3 kernel): correlation, reflect-101 borders, rounded and saturated to 0..255. */
export function filter2dU8(img: Uint8Array, w: number, h: number, kernel: readonly number[]): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += kernel[(dy + 1) * 3 + dx + 1] * img[borderIndex(y + dy, h, 'mirror') * w + borderIndex(x + dx, w, 'mirror')];
    out[y * w + x] = Math.min(255, Math.max(0, Math.round(s)));
  }
  return out;
}
