/**
 * The number validators of every layer (flags, options, queries, fields of saved JSON). Each
 * throws a TypeError for a value of the wrong kind and a RangeError for a number out of range,
 * and the message names the value, the range and what was given:
 * `--batch must be an integer in 1..4096, got 0`, `query 'x' must be a number in [0, 48), got '48'`.
 */

/** How a value reads in a message: numbers as written, text in quotes, anything else as (short) JSON. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value !== 'object' || value === null) return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch { /* a cycle: fall back to the kind */ }
  if (json === undefined) return Object.prototype.toString.call(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** The integers min..max in words: `an integer in 1..50`, `an integer >= 1`. */
export function integerRange(min: number, max = Infinity): string {
  return max === Infinity ? `an integer >= ${min}` : `an integer in ${min}..${max}`;
}

export function isIntegerIn(value: unknown, min: number, max = Infinity): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** An integer in min..max (no upper bound when max is left out). */
export function checkInteger(name: string, value: unknown, min: number, max = Infinity): number {
  if (isIntegerIn(value, min, max)) return value;
  const message = `${name} must be ${integerRange(min, max)}, got ${shown(value)}`;
  throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

/**
 * Bounds of a finite number: `min`/`max` inclusive, `above`/`below` exclusive; none: any finite
 * number.
 */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly below?: number;
}

/** The numbers within `bounds` in words: `a number in (0, 1)`, `a number in [0, 48)`, `a positive number`, `a number >= 0`. */
export function numberRange(bounds: Bounds): string {
  const { min, max, above, below } = bounds;
  const low = above !== undefined ? `(${above}` : min !== undefined ? `[${min}` : null;
  const high = below !== undefined ? `${below})` : max !== undefined ? `${max}]` : null;
  if (low !== null && high !== null) return `a number in ${low}, ${high}`;
  if (above !== undefined) return above === 0 ? 'a positive number' : `a number > ${above}`;
  if (min !== undefined) return `a number >= ${min}`;
  if (below !== undefined) return `a number < ${below}`;
  if (max !== undefined) return `a number <= ${max}`;
  return 'a finite number';
}

export function isNumberIn(value: unknown, bounds: Bounds = {}): value is number {
  const { min, max, above, below } = bounds;
  return typeof value === 'number' && Number.isFinite(value)
    && (min === undefined || value >= min) && (max === undefined || value <= max)
    && (above === undefined || value > above) && (below === undefined || value < below);
}

/** A finite number within `bounds`. */
export function checkNumber(name: string, value: unknown, bounds: Bounds = {}): number {
  if (isNumberIn(value, bounds)) return value;
  const message = `${name} must be ${numberRange(bounds)}, got ${shown(value)}`;
  throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

/** A probability strictly between 0 and 1 (a dropout rate, a tolerance). */
export function checkRate(name: string, value: unknown): number {
  return checkNumber(name, value, { above: 0, below: 1 });
}

/**
 * An integer written as plain digits ('12'; not '', '1e1', '0x10' or '-3'), as text arrives in a
 * query, an environment variable or a list flag. Throws a RangeError quoting the text.
 */
export function parseInteger(name: string, text: string, min: number, max = Infinity): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(value) && isIntegerIn(value, min, max)) return value;
  throw new RangeError(`${name} must be ${integerRange(min, max)}, got ${shown(text)}`);
}

/** A finite number within `bounds` written as text (not blank). Throws a RangeError quoting the text. */
export function parseNumber(name: string, text: string, bounds: Bounds = {}): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (isNumberIn(value, bounds)) return value;
  throw new RangeError(`${name} must be ${numberRange(bounds)}, got ${shown(text)}`);
}

// The ranges more than one layer checks (a flag, an option, a query, a saved file), each written once.

/** Seeds (and image keys) are 32-bit words, the mask generator's state: a wider value would alias another stream. */
export const MAX_SEED = 0xffffffff;
/** --max-pixels: past 2**31 pixels an image's RGB bytes outgrow Node's largest Buffer, so a higher limit guards nothing. */
export const MAX_PIXELS_LIMIT = 2 ** 31;
/** Equal-width confidence bins: the most createCalibrationStats ever took, so every calibration.json written so far still reads. */
export const MAX_BINS = 10_000;

/** A mask seed: an integer in 0..MAX_SEED. */
export function checkSeed(name: string, value: unknown): number {
  return checkInteger(name, value, 0, MAX_SEED);
}

/** A --max-pixels limit: an integer in 1..MAX_PIXELS_LIMIT. */
export function checkMaxPixels(name: string, value: unknown): number {
  return checkInteger(name, value, 1, MAX_PIXELS_LIMIT);
}

/** A bin count: an integer in 1..MAX_BINS. */
export function checkBins(name: string, value: unknown): number {
  return checkInteger(name, value, 1, MAX_BINS);
}
