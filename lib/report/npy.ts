/**
 * NumPy's .npy format, version 1.0 (numpy.lib.format): magic "\x93NUMPY", version 1 0, a little-
 * endian uint16 header length, an ASCII dict {'descr', 'fortran_order', 'shape'} padded with
 * spaces and a newline so the data starts on a 64-byte boundary, then the raw C-order data.
 * Written here so numpy.load opens the maps without any package of ours.
 */

export type NpyArray = Uint8Array | Float32Array;

function descr(data: NpyArray): string {
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Float32Array) return '<f4';
  throw new TypeError('npy: only Uint8Array and Float32Array are written');
}

/** The .npy bytes of `data` with C-order `shape` (its product must be data.length). */
export function encodeNpy(data: NpyArray, shape: readonly number[]): Buffer {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || size !== data.length) {
    throw new RangeError(`npy: shape [${shape.join(', ')}] does not hold ${data.length} values`);
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('npy: a big-endian host is not supported');
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
