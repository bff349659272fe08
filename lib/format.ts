/**
 * Numbers as a reader wants them, by kind (issue 31): counts and milliseconds as integers (a time
 * measured to the millisecond has no decimals to show), rates and metrics at 4 significant digits,
 * float32 values (a dropout ratio read from a model) at float32's precision: 0.3, not
 * 0.30000001192092896. Text only; '–' for a missing or non-finite value.
 */
export type NumberKind = 'count' | 'ms' | 'rate' | 'float32';

const MISSING = '–';

/** Whole numbers: counts of images, pixels, samples. */
export function formatCount(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? MISSING : String(Math.round(v));
}

/** Milliseconds, rounded to whole ones. */
export function formatMs(v: number | null | undefined): string {
  return formatCount(v);
}

/** A rate or metric at `digits` significant digits, without trailing zeros (0.06, 0.6322, 0.01913). */
export function formatRate(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  return String(Number(v.toPrecision(digits)));
}

/** The shortest decimal that reads back as the same float32: what the model file holds. */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const shortest = Number(f.toPrecision(p));
    if (Math.fround(shortest) === f) return String(shortest);
  }
  return String(f);
}

/** A value by its kind. */
export function formatNumber(v: number | null | undefined, kind: NumberKind): string {
  switch (kind) {
    case 'count': return formatCount(v);
    case 'ms': return formatMs(v);
    case 'rate': return formatRate(v);
    case 'float32': return v === null || v === undefined ? MISSING : formatFloat32(v);
  }
}

/** With a sign: '+0.0120', '-12'. */
export function formatSigned(v: number | null | undefined, kind: NumberKind): string {
  const text = formatNumber(v, kind);
  return text === MISSING || text.startsWith('-') ? text : `+${text}`;
}

/** The kind of an audit metric's values: msPerImage is a time, every other metric a rate. */
export function metricKind(metric: string): NumberKind {
  return metric === 'msPerImage' ? 'ms' : 'rate';
}
