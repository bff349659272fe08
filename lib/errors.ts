/**
 * The error of a file that could not be used, whatever the kind (image, label, model, card,
 * input listing, saved JSON): `file` names it and `reason` says why without the file name, so a
 * caller that lists errors by file never has to cut the name off the message.
 */
export class FileError extends Error {
  constructor(readonly file: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = 'FileError';
  }
}

export const FS_CAUSES: Record<string, string> = {
  ENOENT: 'no such file (removed during the run?)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  EISDIR: 'is a folder',
  ELOOP: 'symlink loop',
  EIO: 'input/output error (EIO)',
  EMFILE: 'too many open files (EMFILE)',
  ENAMETOOLONG: 'file name too long',
};

/** The cause of a file-system error in words, with its code. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string') return FS_CAUSES[e.code] ?? `cannot read (${e.code})`;
  return `cannot read (${e instanceof Error ? e.message : String(err)})`;
}

