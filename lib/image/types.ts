/** Image types: decoded pixels, headers, colours and colormap names. */
/** An 8-bit RGB image, row-major, 3 bytes per pixel (alpha is composited away on decode). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** length width*height*3 */
  readonly data: Uint8Array;
}

/** A single-channel 8-bit image (label masks: one class index per pixel). */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** length width*height */
  readonly data: Uint8Array;
}

/** An 8-bit RGBA image, as pngjs writes it. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** length width*height*4 */
  readonly data: Uint8Array;
}

/** Image container formats the decoder recognises by their magic bytes. */
export type ImageFormat = 'png' | 'jpeg';

/** What an image file declares in its header, read without decoding the pixels. */
export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** An 8-bit colour [r, g, b], each 0..255. */
export type RgbColor = readonly [number, number, number];

/** Perceptually uniform colormaps (matplotlib's tables). */
export type ColormapName = 'viridis' | 'magma' | 'inferno' | 'cividis';
