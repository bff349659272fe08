/** Reading a JSON file that a user or an earlier run wrote, with the one wording of what went wrong. */
import { FileError, type FileErrorOptions } from './errors';
import { readUntrustedText, type ReadKind } from './safe-read';
import { checkFile, refusePrototypeKeys, type Check } from './schema';

/**
 * The parsed content of `file`, read through readUntrustedFile (a regular file within the cap of
 * `limit`, 'json' by default); a FileError naming it otherwise: `not JSON (...)`, `no such file`,
 * `not a regular file (a named pipe)`, a size over the cap, a prototype key (`__proto__`,
 * `constructor`, `prototype`) anywhere in it, or the file system's cause.
 * `flag`: the flag that named the file.
 */
export function readJsonFile(file: string, options: Pick<FileErrorOptions, 'flag'> & { readonly limit?: ReadKind } = {}): unknown {
  const flag = options.flag === undefined ? {} : { flag: options.flag };
  const text = readUntrustedText(file, { limit: options.limit ?? 'json', missing: 'no such file', ...flag });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FileError(file, `not JSON (${(err as Error).message})`, { ...flag, cause: err });
  }
  checkFile(file, value, (v) => refusePrototypeKeys(v), flag);
  return value;
}

/** readJsonFile's content checked by its format's schema (lib/report/format-schemas.ts); errors name the file, the field and the value. */
export function readJsonAs<T>(file: string, check: Check<T>, options: Pick<FileErrorOptions, 'flag'> & { readonly limit?: ReadKind } = {}): T {
  return checkFile(file, readJsonFile(file, options), check, options.flag === undefined ? {} : { flag: options.flag });
}
