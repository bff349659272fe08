/**
 * The maps at one image pixel, interpolated from the model-resolution maps the way the report
 * resizes them (bilinear, align_corners=False), so the numbers match what the PNGs show.
 */
import { linearSource } from '../image/resize';
import type { ModelCard } from '../model/types';
import type { PixelResponse } from './types';
import { HttpError } from './http-error';
import type { StoredResult } from './result-store';

function coordinate(name: string, raw: string | null, size: number): number {
  const v = raw === null || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v) || v < 0 || v >= size) throw new HttpError(400, `query '${name}' must be a number in [0, ${size}), got '${raw ?? ''}'`);
  return v;
}

export function pixelAt(stored: StoredResult, card: ModelCard, query: URLSearchParams): PixelResponse {
  const r = stored.response;
  const m = stored.maps;
  const x = coordinate('x', query.get('x'), r.width);
  const y = coordinate('y', query.get('y'), r.height);
  const px = Math.floor(x), py = Math.floor(y);
  const [x0, x1, fx] = linearSource(px, m.width, r.width);
  const [y0, y1, fy] = linearSource(py, m.height, r.height);
  const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
  const i00 = y0 * m.width + x0, i01 = y0 * m.width + x1, i10 = y1 * m.width + x0, i11 = y1 * m.width + x1;
  const at = (a: Float32Array, offset = 0): number =>
    a[offset + i00] * w00 + a[offset + i01] * w01 + a[offset + i10] * w10 + a[offset + i11] * w11;
  const plane = m.width * m.height;
  const probabilities: number[] = [];
  let best = 0;
  for (let c = 0; c < m.numClasses; c++) {
    probabilities.push(at(m.meanProbs, c * plane));
    if (probabilities[c] > probabilities[best]) best = c;
  }
  const total = probabilities.reduce((s, p) => s + p, 0) || 1;
  const r6 = (v: number): number => Number(v.toFixed(6));
  return {
    x: px, y: py, predicted: best, className: card.classes[best]?.name ?? String(best),
    confidence: r6(probabilities[best] / total),
    entropy: r6(at(m.entropy)), mutualInformation: r6(at(m.mutualInformation)), variance: Number(at(m.variance).toPrecision(6)),
    probabilities: probabilities.map((p) => r6(p / total)),
  };
}
