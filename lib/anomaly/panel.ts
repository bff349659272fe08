/**
 * One image's picture for the anomaly section: the score map (viridis over the score's full
 * range, so images compare) beside the photo with the labelled anomaly in red and the pixels
 * outside the region of interest darkened.
 */
import { applyColormap, resizeBilinearPlanar } from '../image';
import type { GrayImage, RgbImage } from '../image/types';
import { resizeRgb } from '../report/image-outputs';
import { fitSize } from '../report/resize-maps';
import { ANOMALY, OUTSIDE } from './pixel-stats';

const GAP = 6;

/** [score map | labelled photo] side by side, each fitted into `maxSide`. */
export function anomalyPanel(photo: RgbImage, label: GrayImage, scores: Float32Array, scoreMax: number, maxSide: number): RgbImage {
  const { width: w, height: h } = fitSize(photo.width, photo.height, maxSide);
  const heat = applyColormap(resizeBilinearPlanar(scores, 1, photo.width, photo.height, w, h), w, h, { min: 0, max: scoreMax, name: 'viridis' });
  const small = resizeRgb(photo, w, h);
  const width = 2 * w + GAP;
  const data = new Uint8Array(width * h * 3).fill(255);
  for (let y = 0; y < h; y++) {
    // nearest label pixel: labels are values, never blended
    const ly = Math.min(label.height - 1, Math.floor(((y + 0.5) * label.height) / h));
    for (let x = 0; x < w; x++) {
      const lx = Math.min(label.width - 1, Math.floor(((x + 0.5) * label.width) / w));
      const v = label.data[ly * label.width + lx];
      const s = (y * w + x) * 3;
      const left = (y * width + x) * 3, right = left + (w + GAP) * 3;
      for (let c = 0; c < 3; c++) {
        data[left + c] = heat.data[s + c];
        const p = small.data[s + c];
        data[right + c] = v === ANOMALY ? Math.round(p / 2 + (c === 0 ? 127 : 0)) : v === OUTSIDE ? p >> 2 : p;
      }
    }
  }
  return { width, height: h, data };
}
