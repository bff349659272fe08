/**
 * A small checker for the JSON files segnet-uq reads back (its own outputs, made by other runs
 * and possibly tampered with): each check takes the value and its field path and returns it
 * typed, or throws a SchemaError naming the path, what it must be and what it is
 * (`images[3].metrics.confusion[7] must be an integer in 0..9007199254740991, got -1`). The
 * formats' schemas are written with these beside their types (lib/report/format-schemas.ts).
 * Written here rather than taken from a library: a dozen lines of combinators on lib/validate.ts'
 * wording, no dependency.
 */
import { FileError, type FileErrorOptions } from './errors';
import { integerRange, isIntegerIn, isNumberIn, numberRange, shown, type Bounds } from './validate';

/** A value of a JSON file that is not what its format says: `at` is the field path. */
export class SchemaError extends Error {
  constructor(readonly at: string, readonly expected: string, readonly value: unknown) {
    super(`${at || 'the file'} must be ${expected}, got ${shown(value)}`);
    this.name = 'SchemaError';
  }
}

export type Check<T> = (value: unknown, at: string) => T;

/** Throws the SchemaError of `value` at `at` (for checks across fields). */
export const fail = (at: string, expected: string, value: unknown): never => { throw new SchemaError(at, expected, value); };
const join = (at: string, key: string | number): string => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);

/** Keys that would reach Object.prototype through a plain lookup (`o[name]`). */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws naming the first prototype key anywhere in a parsed JSON value. */
export function refusePrototypeKeys(value: unknown, at = ''): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (typeof value[i] === 'object' && value[i] !== null) refusePrototypeKeys(value[i], join(at, i));
    return;
  }
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) fail(join(at, key), 'absent (a prototype key)', (value as Record<string, unknown>)[key]);
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'object' && v !== null) refusePrototypeKeys(v, join(at, key));
  }
}

export const str: Check<string> = (v, at) => (typeof v === 'string' ? v : fail(at, 'a string', v));
export const bool: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v));
export const num = (bounds: Bounds = {}): Check<number> => (v, at) => (isNumberIn(v, bounds) ? v : fail(at, numberRange(bounds), v));
export const int = (min: number, max = Infinity): Check<number> => (v, at) => (isIntegerIn(v, min, max) ? v : fail(at, integerRange(min, max), v));
/** a count of pixels or images: an integer a float64 holds exactly */
export const count: Check<number> = int(0, Number.MAX_SAFE_INTEGER);
/** a share: a number in [0, 1] */
export const rate: Check<number> = num({ min: 0, max: 1 });
export const literal = <T extends string | number | boolean>(...values: T[]): Check<T> => (v, at) =>
  ((values as unknown[]).includes(v) ? v as T : fail(at, values.map((x) => JSON.stringify(x)).join(' or '), v));
export const nullable = <T>(c: Check<T>): Check<T | null> => (v, at) => (v === null ? null : c(v, at));
/** anything: a field kept as it is */
export const any: Check<unknown> = (v) => v;

/** A string matching `pattern`, described by `words`. */
export const matching = (pattern: RegExp, words: string): Check<string> => (v, at) => (typeof v === 'string' && pattern.test(v) ? v : fail(at, words, v));

/** An array of `item`s; `length`: the exact length (a number, or taken from elsewhere in the file). */
export const arr = <T>(item: Check<T>, options: { length?: number; max?: number } = {}): Check<T[]> => (v, at) => {
  if (!Array.isArray(v)) return fail(at, `an array${options.length === undefined ? '' : ` of ${options.length}`}`, v);
  if (options.length !== undefined && v.length !== options.length) fail(`${at}.length`, `${options.length} (one per class)`, v.length);
  if (options.max !== undefined && v.length > options.max) fail(`${at}.length`, `at most ${options.max}`, v.length);
  return v.map((x, i) => item(x, join(at, i)));
};

type Shape = Record<string, Check<unknown>>;
type Typed<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

/**
 * An object with the fields of `required` and, when present (not undefined), of `optional`;
 * other fields are kept unchecked (a newer writer may add some), prototype keys refused.
 */
export function obj<R extends Shape, O extends Shape = Record<never, never>>(required: R, optional?: O): Check<Typed<R> & Partial<Typed<O>>> {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'an object', v);
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) if (PROTOTYPE_KEYS.has(key)) fail(join(at, key), 'absent (a prototype key)', o[key]);
    for (const [key, check] of Object.entries(required)) check(o[key], join(at, key));
    for (const [key, check] of Object.entries(optional ?? {})) if (o[key] !== undefined) check(o[key], join(at, key));
    return v as Typed<R> & Partial<Typed<O>>;
  };
}

/** An object of any keys (not prototype keys), each value an `item`. */
export const record = <T>(item: Check<T>): Check<Record<string, T>> => (v, at) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'an object', v);
  for (const [key, x] of Object.entries(v)) {
    if (PROTOTYPE_KEYS.has(key)) fail(join(at, key), 'absent (a prototype key)', x);
    item(x, join(at, key));
  }
  return v as Record<string, T>;
};

/** The first of `checks` that accepts the value; `expected` says what any of them takes. */
export const either = <C extends Check<unknown>[]>(expected: string, ...checks: C): Check<ReturnType<C[number]>> => (v, at) => {
  for (const c of checks) {
    try {
      return c(v, at) as ReturnType<C[number]>;
    } catch (err) {
      if (!(err instanceof SchemaError)) throw err;
    }
  }
  return fail(at, expected, v);
};

/** A check of `value` as the content of `file`: a SchemaError becomes a FileError naming the file, the field and the value. */
export function checkFile<T>(file: string, value: unknown, check: Check<T>, options: Pick<FileErrorOptions, 'flag'> = {}): T {
  try {
    return check(value, '');
  } catch (err) {
    if (err instanceof SchemaError) throw new FileError(file, err.message, { ...options, cause: err });
    throw err;
  }
}
