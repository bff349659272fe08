/**
 * Label masks to class indices (one byte per pixel). Labels are exact data: nothing is rescaled,
 * blended or guessed; anything ambiguous throws ImageError.
 */
import type { GrayImage, RgbColor } from './types';
import { ImageError } from './errors';
import { DEFAULT_MAX_PIXELS } from '../defaults';
import { checkedHeader, type DecodeOptions } from './decode-limits';
import { readPng } from './decode-png';
import { readPngPalette, withoutPngChunk } from './png-chunks';
import { checkColors } from './validate';
import { checkInteger } from '../validate';

/** Options of decodeLabel. */
export interface DecodeLabelOptions extends DecodeOptions {
  /**
   * [undefined] class colours (the model card's `classes[i].color`), index = class: required for
   * RGB/RGBA labels, ignored for gray and palette PNGs
   */
  readonly palette?: readonly RgbColor[];
  /**
   * [undefined] one more colour of RGB/RGBA labels and the value it maps to: the card's
   * `ignoreColor` and `ignoreIndex` (CamVid's void is black), so colour labels with void decode
   */
  readonly ignore?: { readonly color: RgbColor; readonly index: number };
}

const COLOR_GRAY = 0;
const COLOR_PALETTE = 3;
const COLOR_GRAY_ALPHA = 4;

/**
 * Decodes a label PNG to class indices:
 * - gray (1..8-bit): the values as they are; 16-bit gray: the values, which must be < 256;
 * - palette: the raw palette indices (recovered from the colours pngjs expands them to; a palette
 *   holding one colour twice is refused as ambiguous);
 * - RGB/RGBA (8-bit): each colour mapped to its index in `options.palette`, alpha ignored; an
 *   unknown colour, or no `palette`, throws;
 * - gray+alpha: the gray values, alpha ignored. tRNS is ignored everywhere.
 * JPEG labels throw: lossy compression changes class indices at every boundary.
 *
 * @param options.maxPixels [DEFAULT_MAX_PIXELS] largest accepted width*height
 */
export function decodeLabel(bytes: Uint8Array, options: DecodeLabelOptions = {}): GrayImage {
  const { file, maxPixels = DEFAULT_MAX_PIXELS, palette, ignore } = options;
  if (palette !== undefined) checkPalette(palette);
  if (ignore !== undefined) checkIgnore(ignore, palette ?? []);
  const header = checkedHeader(bytes, file, maxPixels);
  if (header.format === 'jpeg') {
    throw new ImageError(file, 'label is a JPEG: lossy compression corrupts class indices, store labels as PNG');
  }
  // tRNS would make pngjs zero the pixels of the transparent value: drop it, labels have no alpha
  const png = readPng(withoutPngChunk(bytes, 'tRNS', file), file, true);
  const colorType: number = png.colorType; // @types/pngjs omits 3 (palette), which pngjs reports
  if (colorType === COLOR_GRAY || colorType === COLOR_GRAY_ALPHA) return grayLabel(png, file);
  if (colorType === COLOR_PALETTE) return paletteLabel(png, bytes, file);
  if (png.depth === 16) throw new ImageError(file, '16-bit RGB label PNGs are not supported; save labels as 8-bit');
  if (palette === undefined) {
    throw new ImageError(
      file, 'label is an RGB PNG: pass the class colours (options.palette, from the model card) to map colours to class indices',
    );
  }
  return colorLabel(png, palette, file, ignore);
}

function checkIgnore(ignore: { color: RgbColor; index: number }, palette: readonly RgbColor[]): void {
  checkColors('options.ignore.color', [ignore.color]);
  checkInteger('options.ignore.index', ignore.index, 0, 255);
  const c = ignore.color;
  const clash = palette.findIndex((p) => p[0] === c[0] && p[1] === c[1] && p[2] === c[2]);
  if (clash >= 0 && clash !== ignore.index) throw new RangeError(`the ignore colour ${JSON.stringify(c)} is also the colour of class ${clash}`);
}

function checkPalette(palette: readonly RgbColor[]): void {
  checkColors('options.palette', palette);
  if (palette.length > 256) throw new RangeError(`options.palette has ${palette.length} colours; at most 256 fit a byte`);
  const seen = new Map<number, number>();
  for (let i = 0; i < palette.length; i++) {
    const key = (palette[i][0] << 16) | (palette[i][1] << 8) | palette[i][2];
    const first = seen.get(key);
    if (first !== undefined) {
      throw new RangeError(`options.palette repeats colour ${JSON.stringify(palette[i])} (classes ${first} and ${i})`);
    }
    seen.set(key, i);
  }
}

interface RgbaSamples {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly data: ArrayLike<number>;
}

function grayLabel(png: RgbaSamples, file: string | undefined): GrayImage {
  const { width, height, data } = png;
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const v = data[j];
    if (v > 255) {
      throw new ImageError(
        file, `16-bit label value ${v} at pixel (${i % width}, ${Math.floor(i / width)}) does not fit a class index (< 256)`,
      );
    }
    out[i] = v;
  }
  return { width, height, data: out };
}

function paletteLabel(png: RgbaSamples, bytes: Uint8Array, file: string | undefined): GrayImage {
  const plte = readPngPalette(bytes, file);
  if (plte === null) throw new ImageError(file, 'corrupt PNG: palette image without a PLTE chunk');
  const indexOf = new Map<number, number>();
  for (let i = 0, k = 0; k < plte.length; i++, k += 3) {
    const key = (plte[k] << 16) | (plte[k + 1] << 8) | plte[k + 2];
    const first = indexOf.get(key);
    if (first !== undefined) {
      throw new ImageError(
        file, `palette PNG label has duplicate colour (${plte[k]}, ${plte[k + 1]}, ${plte[k + 2]}) at entries ${first} and ${i}: indices are ambiguous`,
      );
    }
    indexOf.set(key, i);
  }
  return mapColors(png, indexOf, file, 'palette entry');
}

function colorLabel(png: RgbaSamples, palette: readonly RgbColor[], file: string | undefined,
  ignore?: { readonly color: RgbColor; readonly index: number }): GrayImage {
  const indexOf = new Map<number, number>();
  for (let i = 0; i < palette.length; i++) indexOf.set((palette[i][0] << 16) | (palette[i][1] << 8) | palette[i][2], i);
  if (ignore) indexOf.set((ignore.color[0] << 16) | (ignore.color[1] << 8) | ignore.color[2], ignore.index);
  return mapColors(png, indexOf, file, 'class colour');
}

/** Maps each pixel's RGB to its index; the first unknown colour throws. */
function mapColors(png: RgbaSamples, indexOf: ReadonlyMap<number, number>, file: string | undefined, what: string): GrayImage {
  const { width, height, data } = png;
  const n = width * height;
  const out = new Uint8Array(n);
  let lastKey = -1;
  let lastIndex = 0;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const key = (data[j] << 16) | (data[j + 1] << 8) | data[j + 2];
    if (key !== lastKey) {
      const index = indexOf.get(key);
      if (index === undefined) {
        throw new ImageError(
          file, `label colour (${data[j]}, ${data[j + 1]}, ${data[j + 2]}) at pixel (${i % width}, ${Math.floor(i / width)}) matches no ${what}`,
        );
      }
      lastKey = key;
      lastIndex = index;
    }
    out[i] = lastIndex;
  }
  return { width, height, data: out };
}
