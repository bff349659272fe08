/** PNG encoding of RGB, RGBA and gray images with pngjs. */
import { PNG } from 'pngjs';
import type { GrayImage, RgbaImage, RgbImage } from './types';
import { checkBytes } from './validate';
import { checkInteger } from '../validate';

/** pngjs colour types by bytes per pixel. */
const COLOR_TYPE: Record<number, 0 | 2 | 6> = { 1: 0, 3: 2, 4: 6 };

/**
 * An 8-bit PNG of the image; the channel count (gray 1, RGB 3, RGBA 4) follows from
 * data.length / (width * height).
 */
export function encodePng(img: RgbImage | RgbaImage | GrayImage): Buffer {
  if (img === null || typeof img !== 'object') throw new TypeError(`img must be an image object, got ${img}`);
  checkInteger('img.width', img.width, 1);
  checkInteger('img.height', img.height, 1);
  checkBytes('img.data', img.data);
  const pixels = img.width * img.height;
  const channels = img.data.length / pixels;
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) {
    throw new RangeError(
      `img.data has length ${img.data.length} for ${img.width}x${img.height}: expected 1, 3 or 4 bytes per pixel`,
    );
  }
  const png = new PNG({
    width: img.width,
    height: img.height,
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels === 4,
    bitDepth: 8,
  });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4, bitDepth: 8 });
}
