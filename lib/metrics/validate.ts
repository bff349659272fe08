/**
 * The structure checks of the metrics layer (class counts, typed arrays, labels, the fields of
 * saved stats), built on the number validators of lib/validate.ts. Each throws a TypeError for
 * the wrong kind of value and a RangeError for a well-typed value out of range, naming the
 * argument and the value.
 */
import { checkInteger, checkNumber } from '../validate';

/** numClasses: 1..256 (class indices are stored in Uint8Array). */
export function checkNumClasses(value: unknown): number {
  return checkInteger('numClasses', value, 1, 256);
}

/** ignoreIndex: undefined/null (none) or 0..255; returns -1 for none (never equal to a label). */
export function checkIgnoreIndex(value: unknown): number {
  if (value === undefined || value === null) return -1;
  return checkInteger('ignoreIndex', value, 0, 255);
}

type TypedArrayCtor = Uint8ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

/** `value` is an instance of `ctor` with exactly `length` elements (any length when null). */
export function checkArray<T extends TypedArrayCtor>(
  name: string,
  value: unknown,
  ctor: T,
  length: number | null,
): InstanceType<T> {
  if (!(value instanceof ctor)) {
    const got = value === null ? 'null' : typeof value === 'object' ? value.constructor.name : typeof value;
    throw new TypeError(`${name} must be a ${ctor.name}, got ${got}`);
  }
  const array = value as InstanceType<T>;
  if (length !== null && array.length !== length) {
    throw new RangeError(`${name} must have length ${length}, got ${array.length}`);
  }
  return array;
}

/**
 * Labels [N]: every value is < numClasses or equal to the ignore index (-1: none).
 * @throws RangeError naming the first bad value and its pixel index
 */
export function checkLabels(name: string, labels: Uint8Array, numClasses: number, ignore: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y >= numClasses && y !== ignore) {
      throw new RangeError(`${name}[${i}] = ${y} is not a class index (numClasses ${numClasses}) nor the ignore index`);
    }
  }
}

/** Predicted classes [N]: every value < numClasses. */
export function checkPredicted(name: string, predicted: Uint8Array, numClasses: number): void {
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i] >= numClasses) {
      throw new RangeError(`${name}[${i}] = ${predicted[i]} is not a class index (numClasses ${numClasses})`);
    }
  }
}

/** Two stats can merge: the same value of `what` on both sides. */
export function checkSame(what: string, a: unknown, b: unknown): void {
  if (a !== b) throw new RangeError(`cannot merge statistics with different ${what}: ${String(a)} vs ${String(b)}`);
}

/** A plain JSON array of numbers -> Float64Array of the expected length. */
export function float64FromJSON(name: string, value: unknown, length: number): Float64Array {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array, got ${typeof value}`);
  if (value.length !== length) throw new RangeError(`${name} must have length ${length}, got ${value.length}`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = checkNumber(`${name}[${i}]`, value[i]);
  }
  return out;
}

/**
 * A JSON array of counts (pixels, hits) -> Float64Array: each a non-negative integer a float64
 * holds exactly. A saved file is untrusted: a count of 1e308 or -5 merged into nonsense metrics.
 */
export function countsFromJSON(name: string, value: unknown, length: number): Float64Array {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array, got ${typeof value}`);
  if (value.length !== length) throw new RangeError(`${name} must have length ${length}, got ${value.length}`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = checkInteger(`${name}[${i}]`, value[i], 0, Number.MAX_SAFE_INTEGER);
  return out;
}

/** A JSON object (not null, not an array). */
export function checkObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** Element-wise a + b into a new array (counts merge); arrays of different lengths cannot merge. */
export function addArrays(a: Float64Array, b: Float64Array): Float64Array {
  checkSame('array lengths', a.length, b.length);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}
