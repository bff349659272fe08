export interface FileErrorOptions {
  readonly cause?: unknown;
  /** the flag that named the file (`--out`): the message starts with it */
  readonly flag?: string;
}

/**
 * The error of a file or folder that could not be used, whatever the kind (image, label, model,
 * card, input listing, output folder, saved JSON): `file` names it and `reason` says why without
 * the file name, so a caller that lists errors by file never has to cut the name off the message.
 * The message is `file: reason`, or `--flag file: reason` when a flag named it.
 */
export class FileError extends Error {
  declare readonly flag?: string;

  constructor(readonly file: string, readonly reason: string, options: FileErrorOptions = {}) {
    const { flag, ...errorOptions } = options;
    super(`${flag === undefined ? '' : `${flag} `}${file}: ${reason}`, errorOptions);
    this.name = 'FileError';
    if (flag !== undefined) this.flag = flag;
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

