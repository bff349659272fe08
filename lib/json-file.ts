/** Reading a JSON file that a user or an earlier run wrote, with the one wording of what went wrong. */
import { readFileSync } from 'fs';
import { describeFsError, FileError, type FileErrorOptions } from './errors';

/**
 * The parsed content of `file`; a FileError naming it otherwise: `not JSON (...)`, `no such
 * file`, or the file system's cause (describeFsError). `flag`: the flag that named the file.
 */
export function readJsonFile(file: string, options: Pick<FileErrorOptions, 'flag'> = {}): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e instanceof SyntaxError ? `not JSON (${e.message})` : e.code === 'ENOENT' ? 'no such file' : describeFsError(err);
    throw new FileError(file, reason, { ...options, cause: err });
  }
}
