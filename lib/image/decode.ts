/** Decoding entry points: photos to RGB (decode-image.ts) and label masks to class indices (decode-label.ts). */
export { decodeImage } from './decode-image';
export { decodeLabel, type DecodeLabelOptions } from './decode-label';
export { DEFAULT_MAX_PIXELS, type DecodeOptions } from './decode-limits';
