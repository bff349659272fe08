/**
 * The JSON files the tool reads back are checked with their reading schema (./format-schemas.ts)
 * before they are written (issue 25, part 2: "use them when writing as well"): a writer's bug
 * then stops at once, naming the field, instead of leaving a file that a later --resume, merge
 * or --baseline would refuse. The check reads the text as a reader will (JSON.stringify turns
 * NaN into null and drops undefined).
 */
import { writeFileAtomic } from '../atomic';
import { FileError } from '../errors';
import { SchemaError, type Check } from '../schema';

/** Writes `value` as pretty JSON to `file` atomically, after `schema` accepted what the file will hold. */
export function writeJsonChecked(file: string, value: unknown, schema: Check<unknown>): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  try {
    schema(JSON.parse(text), '');
  } catch (err) {
    if (err instanceof SchemaError) throw new FileError(file, `not written: ${err.message} (the tool would refuse this file when reading it back)`, { cause: err });
    throw err;
  }
  writeFileAtomic(file, text);
}
