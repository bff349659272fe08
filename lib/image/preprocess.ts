/** An RGB image to the model's input tensor, as the training pipeline prepared it. */
import type { ModelCard } from '../model/types';
import type { RgbImage } from './types';
import { resizeRgbToPlanar } from './resize';
import { checkInteger, checkNumber } from '../validate';

function checkTriple(name: string, values: readonly number[], nonZero: boolean): void {
  if (!Array.isArray(values)) throw new TypeError(`${name} must be an array of 3 numbers, got ${typeof values}`);
  if (values.length !== 3) throw new RangeError(`${name} must have 3 entries (R, G, B), got ${values.length}`);
  for (let c = 0; c < 3; c++) {
    if (checkNumber(`${name}[${c}]`, values[c]) === 0 && nonZero) throw new RangeError(`${name}[${c}] must not be 0`);
  }
}

/**
 * NCHW float32 [1, 3, H, W] for `input`: resize to input.width x input.height (bilinear,
 * torch align_corners=False), then x / 255, then (x - mean[c]) / std[c].
 */
export function imageToInputTensor(img: RgbImage, input: ModelCard['input']): Float32Array {
  if (input === null || typeof input !== 'object') throw new TypeError(`input must be the model card's input, got ${input}`);
  checkInteger('input.width', input.width, 1);
  checkInteger('input.height', input.height, 1);
  if (input.layout !== 'NCHW') throw new RangeError(`input.layout must be 'NCHW', got ${JSON.stringify(input.layout)}`);
  checkTriple('input.mean', input.mean, false);
  checkTriple('input.std', input.std, true);

  const { width, height, mean, std } = input;
  const tensor = resizeRgbToPlanar(img, width, height);
  const plane = width * height;
  for (let c = 0; c < 3; c++) {
    const m = mean[c];
    const s = std[c];
    const end = (c + 1) * plane;
    for (let i = c * plane; i < end; i++) tensor[i] = (tensor[i] / 255 - m) / s;
  }
  return tensor;
}
