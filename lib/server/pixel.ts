/**
 * The maps at one image pixel, interpolated from the model-resolution maps the way the report
 * resizes them (bilinear, align_corners=False), so the numbers match what the PNGs show.
 */
import { linearSource } from '../image/resize';
import type { ModelCard } from '../model/types';
import type { PixelResponse } from './types';
import { queryParam } from './http-error';
import { parseNumber } from '../validate';
import type { StoredResult } from './result-store';

function coordinate(query: URLSearchParams, name: string, size: number): number {
  return queryParam(query, name, (n, text) => parseNumber(n, text, { min: 0, below: size }));
}

export function pixelAt(stored: StoredResult, card: ModelCard, query: URLSearchParams): PixelResponse {
  const r = stored.response;
  const m = stored.maps;
  const x = coordinate(query, 'x', r.width);
  const y = coordinate(query, 'y', r.height);
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
