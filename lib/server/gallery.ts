/**
 * serve --gallery DIR (issue 31): the images of one folder as thumbnails the page shows; a click
 * (or the page's "random image" button) fetches an image's bytes and uploads them to
 * /api/segment like a picked file, so a gallery image meets exactly the upload's limits
 * (--max-upload, --max-pixels, the formats decoded) and its name reaches the page as JSON text
 * only. Images are read when asked for, never listed beyond DIR; thumbnails are cached.
 */
import { statSync } from 'fs';
import * as path from 'path';
import { describeFsError } from '../errors';
import { decodePhoto, encodePng, readPhotoHeader } from '../image';
import { DECODED_FORMAT_NAMES } from '../image/formats';
import { fitSize } from '../report/resize-maps';
import { resizeRgb } from '../report/image-outputs';
import { listInputs, readInputFile } from '../run/inputs';
import { HttpError } from './http-error';
import type { GalleryResponse } from './types';


/** Thumbnails are this wide at most in CSS pixels; their PNGs twice that (device-pixel ratio 2). */
export const GALLERY_THUMB_PX = 120;

export class Gallery {
  private readonly thumbs = new Map<string, Buffer>();

  private constructor(readonly dir: string, private readonly files: readonly string[], private readonly maxBytes: number, private readonly maxPixels: number) {}

  /** Lists DIR's images (not its subfolders); a folder without any is an error naming it. */
  static open(dir: string, maxBytes: number, maxPixels: number): Gallery {
    const listing = listInputs([dir]);
    if (listing.errors.length > 0) throw new RangeError(`--gallery ${dir}: ${listing.errors[0].message}`);
    if (listing.files.length === 0) throw new RangeError(`--gallery ${dir}: no images found (formats read: ${DECODED_FORMAT_NAMES})`);
    return new Gallery(dir, listing.files, maxBytes, maxPixels);
  }

  list(): GalleryResponse {
    return { images: this.files.map((f, i) => ({ id: String(i), name: path.basename(f) })) };
  }

  private file(id: string): string {
    const file = /^\d{1,9}$/.test(id) ? this.files[Number(id)] : undefined;
    if (file === undefined) throw new HttpError(404, `no gallery image '${id}'`);
    return file;
  }

  /** The image's bytes, refused as an upload would be: 413 over --max-upload or --max-pixels, 400 for what is not decoded. */
  async bytes(id: string): Promise<Buffer> {
    const file = this.file(id);
    let size = 0;
    try {
      size = statSync(file).size;
    } catch (err) {
      throw new HttpError(404, `gallery image ${path.basename(file)}: ${describeFsError(err)}`);
    }
    if (size > this.maxBytes) throw new HttpError(413, `gallery image ${path.basename(file)} is ${size} bytes, over the limit of ${this.maxBytes} (--max-upload)`);
    let bytes: Buffer;
    try {
      bytes = readInputFile(file, this.maxBytes);
    } catch (err) {
      throw new HttpError(404, `gallery image ${path.basename(file)}: ${(err as { reason?: string }).reason ?? (err as Error).message}`);
    }
    let header;
    try {
      header = await readPhotoHeader(bytes, path.basename(file));
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    if (header.width * header.height > this.maxPixels) throw new HttpError(413, `gallery image ${path.basename(file)}: ${header.width}x${header.height} exceeds --max-pixels`);
    return bytes;
  }

  /** A small upright PNG of the image, made once. */
  async thumbnail(id: string): Promise<Buffer> {
    const cached = this.thumbs.get(id);
    if (cached) return cached;
    const bytes = await this.bytes(id);
    let photo;
    try {
      photo = (await decodePhoto(bytes, { file: path.basename(this.file(id)), maxPixels: this.maxPixels })).image;
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    const size = fitSize(photo.width, photo.height, 2 * GALLERY_THUMB_PX);
    const png = encodePng(resizeRgb(photo, size.width, size.height));
    this.thumbs.set(id, png);
    return png;
  }
}
