/** Decoding entry points: photos to RGB (decode-image.ts) and label masks to class indices (decode-label.ts). */
export { decodeImage } from './decode-image';
export { decodeLabel, type DecodeLabelOptions } from './decode-label';
export type { DecodeOptions } from './decode-limits';
