/** Image I/O: format sniffing, decoding (photos and labels), torch-matching resize, preprocessing, PNG encoding, colormaps. */
export { ImageError } from './errors';
export { readImageHeader, sniffImageFormat } from './sniff';
export { decodePhoto, type DecodedPhoto } from './decode-photo';
export { orientImage, type Orientation } from './exif';
export { DECODED_FORMAT_NAMES, DECODED_FORMATS, PHOTO_EXTENSIONS, sniffPhotoFormat, type PhotoFormat } from './formats';
export { readPhotoHeader, type PhotoHeader } from './photo-header';
export { decodeImage, decodeLabel, type DecodeLabelOptions, type DecodeOptions } from './decode';
export { resizeBilinearPlanar, resizeRgbToPlanar } from './resize';
export { imageToInputTensor } from './preprocess';
export { encodePng } from './encode';
export { applyColormap, colormapLut, COLORMAP_NAMES, type ColormapOptions } from './colormap';
export { blend, classColorMap } from './overlay';
