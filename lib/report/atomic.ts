/** Output files are written to a temporary name and renamed, so a crash never leaves half a file. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';

let counter = 0;

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${counter++}.tmp`;
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

/** Joins under `root` and refuses anything that would resolve outside it. */
export function insideOutput(root: string, ...parts: string[]): string {
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, ...parts);
  if (target !== resolvedRoot && !target.startsWith(resolvedRoot + path.sep)) {
    throw new RangeError(`output path '${parts.join('/')}' escapes the output folder ${resolvedRoot}`);
  }
  return target;
}
