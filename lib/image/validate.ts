/**
 * Argument checks shared by the image modules (bytes, lengths, images, colours), built on the
 * number validators of lib/validate.ts; they throw TypeError / RangeError naming the argument.
 */
import { checkInteger, isIntegerIn } from '../validate';

/** Throws unless `value` is a Uint8Array (a Buffer is one). */
export function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array or Buffer, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Throws unless `data.length === expected`. */
export function checkLength(name: string, data: ArrayLike<number>, expected: number, shape: string): void {
  if (data.length !== expected) {
    throw new RangeError(`${name} has length ${data.length}, expected ${expected} (${shape})`);
  }
}

/** Throws unless `image` has positive integer dimensions and `channels` bytes per pixel. */
export function checkImage(
  name: string,
  image: { readonly width: number; readonly height: number; readonly data: Uint8Array },
  channels: number,
): void {
  if (image === null || typeof image !== 'object') throw new TypeError(`${name} must be an image object, got ${image}`);
  checkInteger(`${name}.width`, image.width, 1);
  checkInteger(`${name}.height`, image.height, 1);
  checkBytes(`${name}.data`, image.data);
  checkLength(`${name}.data`, image.data, image.width * image.height * channels, `${image.width}x${image.height}x${channels}`);
}

/** Throws unless every colour is [r, g, b] of integers in 0..255. */
export function checkColors(name: string, colors: readonly (readonly number[])[]): void {
  if (!Array.isArray(colors)) throw new TypeError(`${name} must be an array of [r, g, b], got ${typeof colors}`);
  for (let i = 0; i < colors.length; i++) {
    const c = colors[i];
    if (!Array.isArray(c) || c.length !== 3) throw new TypeError(`${name}[${i}] must be [r, g, b], got ${JSON.stringify(c)}`);
    for (let k = 0; k < 3; k++) {
      if (!isIntegerIn(c[k], 0, 255)) {
        throw new RangeError(`${name}[${i}] must hold integers in 0..255, got ${JSON.stringify(c)}`);
      }
    }
  }
}
