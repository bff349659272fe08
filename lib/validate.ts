/** Validation shared by the commands: messages name the flag and the value. */

export function checkInteger(flag: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${flag} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkRate(flag: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new RangeError(`${flag} must be a number in (0, 1), got ${JSON.stringify(value)}`);
  }
  return value;
}
