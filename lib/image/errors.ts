/**
 * The one error type for bad image data (as opposed to bad arguments, which throw TypeError or
 * RangeError): a file that is not an image, is truncated or corrupt, too large, or whose pixels
 * cannot mean what the caller asked for (a JPEG label, an unknown label colour).
 */
export class ImageError extends Error {
  /** the file the bytes came from, when the caller named it */
  readonly file?: string;
  /** the cause in words, without the file name ('truncated PNG data') */
  readonly reason: string;

  /**
   * @param reason the cause in words
   * @param file the file name, prefixed to the message when given
   * @param cause the underlying decoder exception, kept as `cause`
   */
  constructor(reason: string, file?: string, cause?: unknown) {
    super(file === undefined ? reason : `${file}: ${reason}`, cause === undefined ? undefined : { cause });
    this.name = 'ImageError';
    this.reason = reason;
    if (file !== undefined) this.file = file;
  }
}
