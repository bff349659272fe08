/** Image I/O: format sniffing, decoding (photos and labels), torch-matching resize, preprocessing, PNG encoding, colormaps. */
export { ImageError } from './errors';
export { readImageHeader, sniffImageFormat } from './sniff';
export { decodeImage, decodeLabel, DEFAULT_MAX_PIXELS, type DecodeLabelOptions, type DecodeOptions } from './decode';
export { resizeBilinearPlanar, resizeNearestGray, resizeRgbToPlanar } from './resize';
export { imageToInputTensor } from './preprocess';
export { encodePng } from './encode';
export { applyColormap, colormapLut, COLORMAP_NAMES, type ColormapOptions } from './colormap';
export { blend, classColorMap } from './overlay';
