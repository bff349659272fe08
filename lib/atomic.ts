/** Output files are written to a temporary name and renamed, so a crash never leaves half a file. */
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';

/** True when a process with this PID exists on this host (EPERM: it exists, as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let counter = 0;
/**
 * Temporary files carry this prefix, the writer's PID and a counter: only names of this form
 * are ever deleted by the clean-up (a user's own `notes.2024.1.tmp` is not ours).
 */
export const TEMP_PREFIX = '.segnet-uq-tmp-';
const TEMPORARY = /^\.segnet-uq-tmp-(\d+)-\d+-.*\.tmp$/;

/** The temporary name of `file` for this process's `n`-th write: beside it, so the rename stays on one file system. */
export function temporaryName(file: string, n: number): string {
  return path.join(path.dirname(file), `${TEMP_PREFIX}${process.pid}-${n}-${path.basename(file).slice(0, 100)}.tmp`);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = temporaryName(file, counter++);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * A file-system-safe, unique folder name for the i-th input: index first (unique, sortable),
 * then the base name reduced to [A-Za-z0-9._-]. No input name can reach outside the output folder.
 */
export function safeOutputName(index: number, inputPath: string): string {
  const base = path.basename(inputPath).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 80);
  return `${String(index).padStart(5, '0')}-${base || 'image'}`;
}

/**
 * Joins under `root` and refuses anything that would resolve outside it: by the path's text, and
 * through symlinks already on disk (a folder inside the output that links elsewhere).
 */
export function insideOutput(root: string, ...parts: string[]): string {
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, ...parts);
  const within = (base: string, p: string): boolean => p === base || p.startsWith(base + path.sep);
  if (!within(resolvedRoot, target)) {
    throw new RangeError(`output path '${parts.join('/')}' escapes the output folder ${resolvedRoot}`);
  }
  if (existsSync(resolvedRoot)) {
    let dir = path.dirname(target);
    while (!existsSync(dir) && within(resolvedRoot, dir) && dir !== resolvedRoot) dir = path.dirname(dir);
    const realRoot = realpathSync(resolvedRoot);
    if (within(resolvedRoot, dir) && !within(realRoot, realpathSync(dir))) {
      throw new RangeError(`output path '${parts.join('/')}' escapes the output folder ${resolvedRoot} through a symlink`);
    }
  }
  return target;
}

/**
 * Deletes the temporary files a killed run (SIGKILL, power loss) left under `root` before their
 * rename: they are never results. Only names made by temporaryName() are touched, and only
 * those of processes that are gone (the caller holds the folder's lock, so no live run of
 * another process should write there; this is a second guard). Returns how many went.
 */
export function removeStaleTemporaries(root: string): number {
  let removed = 0;
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 4) walk(full, depth + 1);
      else if (entry.isFile()) {
        const m = TEMPORARY.exec(entry.name);
        if (m && Number(m[1]) !== process.pid && !isProcessAlive(Number(m[1]))) {
          rmSync(full, { force: true });
          removed++;
        }
      }
    }
  };
  walk(root, 0);
  return removed;
}
