/**
 * The output folder, checked and created before the model loads, so a bad `--out` fails in a
 * moment with a message that names it. Created one level at a time with a bounded retry:
 * Node's recursive mkdirSync retries ENOENT without end on /proc (issue 20: `--out /proc/x` hung
 * forever, deaf to SIGINT), and a virtual file system answers ENOENT for a folder whose parent
 * plainly exists.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'fs';
import * as path from 'path';
import { FileError, FS_CAUSES } from '../errors';
import { readJsonFile } from '../json-file';

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

/** The file that says a folder is a segnet-uq output folder (written when a run takes it). */
export const OUT_MARKER = '.segnet-uq-out';

/** Result files whose segnet-uq header also marks a folder made before the marker existed. */
const RESULT_FILES = ['summary.json', 'calibration.json', 'samples.json', 'audit.json', 'shift.json', 'anomaly.json'];

function madeBySegnetUq(file: string): boolean {
  try {
    const v = readJsonFile(file) as { tool?: { name?: unknown } } | null;
    return v?.tool?.name === 'segnet-uq';
  } catch {
    return false;
  }
}

/**
 * A run writes only into a folder that is empty or a segnet-uq output folder (its marker, or a
 * result file with our header): `--out $HOME` replaced the index.html and summary.json there
 * (issue 25). `ignore`: our own names (the lock, temporaries). With `force`, any folder is taken.
 * The marker is then written, so the next run recognises the folder.
 */
export function claimOutDir(dir: string, options: { readonly force?: boolean; readonly ignore?: (name: string) => boolean; readonly flag?: string } = {}): void {
  const flag = options.flag ?? '--out';
  const marker = path.join(dir, OUT_MARKER);
  if (!options.force && !existsSync(marker)) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => !(options.ignore?.(n) ?? false));
    } catch (err) {
      throw new OutDirError(dir, `cannot list it: ${cause(codeOf(err))}`, { flag });
    }
    if (names.length > 0 && !RESULT_FILES.some((f) => names.includes(f) && madeBySegnetUq(path.join(dir, f)))) {
      const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
      throw new OutDirError(dir, `holds files segnet-uq did not write (${shown}); name an empty or new folder, or a previous segnet-uq output, or pass --force to write there anyway`, { flag });
    }
  }
  if (!existsSync(marker)) {
    try {
      writeFileSync(marker, 'This folder holds segnet-uq output; a later run may replace its files.\n');
    } catch (err) {
      throw new OutDirError(dir, `cannot write in it: ${cause(codeOf(err))}`, { flag });
    }
  }
}
