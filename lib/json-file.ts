/** Reading a JSON file that a user or an earlier run wrote, with the one wording of what went wrong. */
import { FileError, type FileErrorOptions } from './errors';
import { readUntrustedText, type ReadKind } from './safe-read';

/**
 * The parsed content of `file`, read through readUntrustedFile (a regular file within the cap of
 * `limit`, 'json' by default); a FileError naming it otherwise: `not JSON (...)`, `no such file`,
 * `not a regular file (a named pipe)`, a size over the cap, or the file system's cause.
 * `flag`: the flag that named the file.
 */
export function readJsonFile(file: string, options: Pick<FileErrorOptions, 'flag'> & { readonly limit?: ReadKind } = {}): unknown {
  const flag = options.flag === undefined ? {} : { flag: options.flag };
  const text = readUntrustedText(file, { limit: options.limit ?? 'json', missing: 'no such file', ...flag });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FileError(file, `not JSON (${(err as Error).message})`, { ...flag, cause: err });
  }
}
