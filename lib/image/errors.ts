/**
 * The one error type for bad image data (as opposed to bad arguments, which throw TypeError or
 * RangeError): a file that is not an image, is truncated or corrupt, too large, or whose pixels
 * cannot mean what the caller asked for (a JPEG label, an unknown label colour). A FileError, so
 * `file` and `reason` read the same as for every other file that could not be used.
 */
import { FileError } from '../errors';

/** What `file` says for bytes whose caller named no file (the `file` option of the decoders). */
export const UNNAMED_IMAGE = '<image>';

export class ImageError extends FileError {
  /**
   * @param file the file the bytes came from (UNNAMED_IMAGE when the caller named none)
   * @param reason the cause in words, without the file name ('truncated PNG data')
   * @param options.cause the underlying decoder exception
   */
  constructor(file: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(file ?? UNNAMED_IMAGE, reason, options);
    this.name = 'ImageError';
  }
}
