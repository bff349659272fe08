/**
 * The output folder, checked and created before the model loads, so a bad `--out` fails in a
 * moment with a message that names it. Created one level at a time with a bounded retry:
 * Node's recursive mkdirSync retries ENOENT without end on /proc (issue 20: `--out /proc/x` hung
 * forever, deaf to SIGINT), and a virtual file system answers ENOENT for a folder whose parent
 * plainly exists.
 */
import { accessSync, constants, mkdirSync, statSync } from 'fs';
import * as path from 'path';
import { FileError, FS_CAUSES } from '../errors';

/** A bad output folder: a FileError (`file` the folder, `reason`, `flag`) of its own name; the message names the flag and the folder. */
export class OutDirError extends FileError {
  override name = 'OutDirError';
}

const RETRIES = 3;

const CAUSES: Record<string, string> = {
  ...FS_CAUSES,
  EROFS: 'read-only file system (EROFS)',
  ENOSPC: 'no space left on the device (ENOSPC)',
};

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;
const cause = (code: string): string => CAUSES[code] ?? code;

/** stat, or null when nothing is there */
function statOrNull(p: string, flag: string, dir: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(p);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw new OutDirError(dir, `a part of the path is a file, not a folder (${p})`, { flag });
    throw new OutDirError(dir, `cannot look at ${p}: ${cause(code)}`, { flag });
  }
}

function makeOneLevel(p: string, flag: string, dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(p);
      return;
    } catch (err) {
      const code = codeOf(err);
      const st = code === 'EEXIST' ? statOrNull(p, flag, dir) : null;
      if (st?.isDirectory()) return; // made by someone else meanwhile
      if (code === 'EEXIST' && st) throw new OutDirError(dir, `${p} is a file, not a folder`, { flag });
      if (attempt + 1 >= RETRIES || (code !== 'ENOENT' && code !== 'EEXIST')) {
        const why = code === 'ENOENT' ? 'the file system refuses new folders there (ENOENT: /proc, /sys or a stale mount?)' : cause(code);
        throw new OutDirError(dir, `cannot create the folder ${p}: ${why}`, { flag });
      }
    }
  }
}

/**
 * Resolves `dir`, creates what is missing of it one level at a time, and checks that files can
 * be written there; returns the absolute path. Throws OutDirError naming `flag`.
 */
export function prepareOutDir(dir: string, flag = '--out'): string {
  if (typeof dir !== 'string' || dir.length === 0) throw new OutDirError(String(dir), 'name a folder', { flag });
  if (dir.includes('\0')) throw new OutDirError(JSON.stringify(dir), 'the name holds a NUL byte', { flag });
  const resolved = path.resolve(dir);
  const parts: string[] = [];
  for (let p = resolved; ; p = path.dirname(p)) {
    parts.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of parts) {
    const st = statOrNull(p, flag, resolved);
    if (st && !st.isDirectory()) throw new OutDirError(resolved, p === resolved ? 'is a file, not a folder' : `${p} is a file, not a folder`, { flag });
    if (!st) makeOneLevel(p, flag, resolved);
  }
  try {
    accessSync(resolved, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new OutDirError(resolved, `cannot write in it: ${cause(codeOf(err))}`, { flag });
  }
  return resolved;
}
