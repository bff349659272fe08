/**
 * The one way to read a file the tool did not make (a model, a card, a config, a baseline, a
 * label, an earlier run's JSON): a regular file or a refusal naming what it is instead, never more
 * than a cap per kind, opened non-blocking. readFileSync on a named pipe blocks the whole process
 * (signals included) until a writer comes; on /dev/zero it reads until memory runs out (issue 25).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'fs';
import { createHash } from 'crypto';
import { READ_LIMITS } from './defaults';
import { describeFsError, FileError, type FileErrorOptions } from './errors';
import { fsPath } from './fs-path';

/** What a path that is not a regular file is, in words. */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/** The kinds of file with a cap of their own (READ_LIMITS). */
export type ReadKind = keyof typeof READ_LIMITS;

const KIND_WORDS: Record<ReadKind, string> = {
  model: 'an ONNX model', card: 'a model card', config: 'an audit config', json: 'a JSON file of a run',
};

export interface UntrustedReadOptions extends Pick<FileErrorOptions, 'flag'> {
  /** the cap: a kind's (READ_LIMITS) or bytes */
  readonly limit: ReadKind | number;
  /** the reason when the file is over the cap (default: its size and the kind's cap) */
  readonly tooBig?: (size: number, max: number) => string;
  /** the reason when the file does not exist (default describeFsError's) */
  readonly missing?: string;
  /** the error to throw (default FileError) */
  readonly error?: new (file: string, reason: string, options?: FileErrorOptions) => FileError;
}

/**
 * Opens `file` for reading after checking that it is a regular file within the cap; calls `use`
 * with the descriptor and size and closes it. The path is stat'ed before it is opened (opening a
 * device or socket can itself block or act) and the descriptor again after (the path may have
 * been swapped in between).
 */
export function withUntrustedFile<T>(file: string, options: UntrustedReadOptions, use: (fd: number, size: number) => T): T {
  const Err = options.error ?? FileError;
  const flag = options.flag === undefined ? {} : { flag: options.flag };
  const fail = (reason: string, cause?: unknown): never => { throw new Err(file, reason, { ...flag, ...(cause === undefined ? {} : { cause }) }); };
  const max = typeof options.limit === 'number' ? options.limit : READ_LIMITS[options.limit];
  const check = (st: Stats): void => {
    if (st.isDirectory()) fail('is a folder');
    if (!st.isFile()) fail(`not a regular file (${kindOf(st)})`);
    if (st.size > max) {
      fail(options.tooBig?.(st.size, max)
        ?? `file is ${st.size} bytes, more than ${typeof options.limit === 'number' ? 'the limit' : `the limit for ${KIND_WORDS[options.limit]}`} (${max} bytes)`);
    }
  };
  const fsFail = (err: unknown): never => fail(
    (err as NodeJS.ErrnoException).code === 'ENOENT' && options.missing !== undefined ? options.missing : describeFsError(err), err);
  let st: Stats;
  try {
    st = statSync(fsPath(file));
  } catch (err) {
    return fsFail(err);
  }
  check(st);
  let fd: number;
  try {
    fd = openSync(fsPath(file), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return fsFail(err);
  }
  try {
    let size: number;
    try {
      const now = fstatSync(fd);
      check(now);
      size = now.size;
    } catch (err) {
      if (err instanceof FileError) throw err;
      return fsFail(err);
    }
    return use(fd, size);
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `size` bytes from `fd` in pieces; fewer when the file shrank meanwhile. */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, buffer, got, size - got, null);
    if (n === 0) break;
    got += n;
  }
  return got === size ? buffer : buffer.subarray(0, got);
}

/** The bytes of a file the tool did not make (withUntrustedFile's checks); errors as FileError naming it. */
export function readUntrustedFile(file: string, options: UntrustedReadOptions): Buffer {
  return withUntrustedFile(file, options, (fd, size) => {
    try {
      return readAll(fd, size);
    } catch (err) {
      throw new (options.error ?? FileError)(file, describeFsError(err), { ...(options.flag === undefined ? {} : { flag: options.flag }), cause: err });
    }
  });
}

/** The text of such a file as UTF-8. */
export const readUntrustedText = (file: string, options: UntrustedReadOptions): string => readUntrustedFile(file, options).toString('utf8');

/** sha256 (hex) of such a file, read in pieces so a large model is not held twice. */
export function sha256Untrusted(file: string, options: UntrustedReadOptions): string {
  return withUntrustedFile(file, options, (fd, size) => {
    const hash = createHash('sha256');
    const piece = Buffer.allocUnsafe(Math.min(size, 8 * 1024 * 1024) || 1);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, piece, 0, Math.min(piece.length, size - got), null);
      if (n === 0) break;
      hash.update(piece.subarray(0, n));
      got += n;
    }
    return hash.digest('hex');
  });
}
