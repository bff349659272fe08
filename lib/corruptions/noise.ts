/**
 * Noise corruptions (imagecorruptions' gaussian_noise, shot_noise, impulse_noise, speckle_noise),
 * over x = pixels / 255, every channel of every pixel drawn independently.
 */
import type { RgbImage } from '../image/types';
import { toFloat, toUint8 } from './filters';
import type { CorruptionRandom } from './random';

/** x + N(0, c^2), clipped. */
export function gaussianNoise(img: RgbImage, c: number, rng: CorruptionRandom): RgbImage {
  const x = toFloat(img);
  for (let i = 0; i < x.data.length; i++) x.data[i] += c * rng.normal();
  return toUint8(x);
}

/** Poisson(x c) / c, clipped: photon noise at c photons for full white. */
export function shotNoise(img: RgbImage, c: number, rng: CorruptionRandom): RgbImage {
  const x = toFloat(img);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.poisson(x.data[i] * c) / c;
  return toUint8(x);
}

/** Salt and pepper (skimage random_noise 's&p', salt_vs_pepper 0.5): each value flips with probability c, half to 1, half to 0. */
export function impulseNoise(img: RgbImage, c: number, rng: CorruptionRandom): RgbImage {
  const x = toFloat(img);
  for (let i = 0; i < x.data.length; i++) {
    const flipped = rng.uniform() < c;
    const salted = rng.uniform() < 0.5;
    if (flipped) x.data[i] = salted ? 1 : 0;
  }
  return toUint8(x);
}

/** x + x N(0, c^2), clipped: noise that grows with brightness. */
export function speckleNoise(img: RgbImage, c: number, rng: CorruptionRandom): RgbImage {
  const x = toFloat(img);
  for (let i = 0; i < x.data.length; i++) x.data[i] += x.data[i] * c * rng.normal();
  return toUint8(x);
}
