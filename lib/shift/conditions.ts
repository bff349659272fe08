/**
 * The conditions of a shift run: the clean images (corruption 'none', severity 0), then every
 * corruption at every severity, in the order given.
 */
import { checkCorruption, checkSeverity, CORRUPTIONS, type CorruptionName } from '../corruptions';

export interface ShiftCondition {
  readonly corruption: CorruptionName | 'none';
  /** 1-5; 0 for the clean images */
  readonly severity: number;
}

export const CLEAN: ShiftCondition = { corruption: 'none', severity: 0 };

/** 'gaussian-noise.3', 'none.0': how gates (`shift.gaussian-noise.3.ece`) and files name a condition. */
export function conditionKey(c: ShiftCondition): string {
  return `${c.corruption}.${c.severity}`;
}

/** Clean first, then corruption-major; the names checked (RangeError naming the bad one), duplicates refused. */
export function shiftConditions(corruptions: readonly string[], severities: readonly number[]): ShiftCondition[] {
  if (corruptions.length === 0) throw new RangeError('--corruptions: name at least one corruption');
  if (severities.length === 0) throw new RangeError('--severities: give at least one severity (1-5)');
  const names = corruptions.map((n) => checkCorruption(n));
  const levels = severities.map((s) => {
    try {
      return checkSeverity(s);
    } catch (err) {
      throw new RangeError(`--severities: ${(err as Error).message}`);
    }
  });
  for (const [what, list] of [['--corruptions', names], ['--severities', levels]] as const) {
    const dup = (list as readonly (string | number)[]).find((v, i) => list.indexOf(v as never) !== i);
    if (dup !== undefined) throw new RangeError(`${what}: ${dup} is given twice`);
  }
  return [CLEAN, ...names.flatMap((corruption) => levels.map((severity) => ({ corruption, severity })))];
}

/** Every corruption this build has, for the default --corruptions. */
export const ALL_CORRUPTIONS: readonly CorruptionName[] = CORRUPTIONS;
