/** Expands the command line's files and folders into the list of images to process, and reads them safely. */
import { closeSync, constants, openSync, readdirSync, readSync, realpathSync, statSync } from 'fs';
import * as path from 'path';
import { FileError } from '../errors';
import { kindOf, readUntrustedFile } from '../safe-read';
import { childPath, displayName, fsPath } from '../fs-path';
import { hasPhotoExtension, sniffPhotoFormat } from '../image/formats';
import { naturalCompare } from '../natural-order';
import type { ReportError } from '../report/summary';

/** Whether a regular file's first bytes are those of an image (a photo saved without its extension). */
function looksLikeImage(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(fsPath(file), constants.O_RDONLY | constants.O_NONBLOCK);
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, head.length, 0);
    return sniffPhotoFormat(head.subarray(0, n)) !== null;
  } catch {
    return false; // unreadable: not claimed as an image here; named by extension it is read (and reported) later
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The folders a run writes under its output folder (report, calibrate, audit, merge --copy). */
const OUTPUT_FOLDER = /^(images|charts|assets|shift|shard-\d+)$/;

/** A listing of the inputs (listInputs'): the images, and what could not be listed. */
export interface InputListing {
  readonly files: readonly string[];
  /** inputs that could not be listed: missing paths, unreadable folders, loops */
  readonly errors: readonly ReportError[];
  /** folders left out because they are (or are inside) an excluded folder such as the run's --out */
  readonly excluded: readonly string[];
}

const within = (base: string, p: string): boolean => p === base || p.startsWith(base.endsWith(path.sep) ? base : base + path.sep);

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}


/**
 * Files given by name are taken whatever their extension (the decoder sniffs the content);
 * folders contribute every file that looks like an image by extension (PHOTO_EXTENSIONS, also
 * formats that are then refused with a reason) or by content, in natural order, recursing with `recursive`
 * and never visiting the same real folder twice (symlink loops). A folder met in a walk that is
 * one of `exclude` (the run's output folder) or inside it is left out and listed in `excluded`:
 * with -r and --out inside the inputs, a run took in its own outputs (issue 20). An input named
 * on the command line that lies inside an excluded folder is still listed: the user asked for it.
 */
export function listInputs(inputs: readonly string[], options: { recursive?: boolean; exclude?: readonly string[] } = {}): InputListing {
  const files: string[] = [];
  const errors: ReportError[] = [];
  const excluded: string[] = [];
  const visited = new Set<string>();
  const exclude = (options.exclude ?? []).map(realOrResolved);
  let rootReal = '';
  const walk = (dir: string, depth: number): void => {
    let real: string;
    try {
      real = displayName(realpathSync.native(fsPath(dir), { encoding: 'buffer' })); // native: the JS version turns a Buffer into a string
    } catch (err) {
      errors.push({ file: dir, message: `cannot resolve folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      return;
    }
    // the output folder, wherever it is, unless the root lies in it; when it is the root itself,
    // its own folders (`report D -r --out D` took its 19 PNGs in on the second run)
    const isOutput = (x: string): boolean => within(x, real) && (rootReal === x ? depth === 1 && OUTPUT_FOLDER.test(path.basename(real)) : !within(x, rootReal));
    if (depth > 0 && exclude.some(isOutput)) {
      excluded.push(dir);
      return;
    }
    if (visited.has(real)) {
      if (depth > 0) errors.push({ file: dir, message: 'folder already visited (symlink loop), skipped' });
      return;
    }
    visited.add(real);
    let entries: { name: string; full: string }[];
    try {
      // names as bytes: one that is not UTF-8 cannot be named by a string path (fs-path.ts)
      entries = (readdirSync(fsPath(dir), { encoding: 'buffer' }) as Buffer[])
        .map((b) => ({ name: displayName(b), full: childPath(dir, b) })).sort((a, b) => naturalCompare(a.name, b.name));
    } catch (err) {
      errors.push({ file: dir, message: `cannot list folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      return;
    }
    for (const { name, full } of entries) {
      let st;
      try {
        st = statSync(fsPath(full));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (hasPhotoExtension(name)) {
          errors.push({ file: full, message: code === 'ELOOP' ? 'symlink loop' : `cannot stat (${code ?? (err as Error).message})` });
        }
        continue;
      }
      if (st.isDirectory()) {
        if (options.recursive) walk(full, depth + 1);
        else if (hasPhotoExtension(name)) errors.push({ file: full, message: 'is a folder named like an image, skipped (use --recursive to descend)' });
      } else if (hasPhotoExtension(name)) {
        if (st.isFile()) files.push(full);
        else errors.push({ file: full, message: `not a regular file (${kindOf(st)}), skipped` });
      } else if (st.isFile() && looksLikeImage(full)) {
        files.push(full);
      }
    }
  };
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      errors.push({ file: input, message: code === 'ENOENT' ? 'no such file or folder' : code === 'ELOOP' ? 'symlink loop' : `cannot read (${code ?? (err as Error).message})` });
      continue;
    }
    if (st.isDirectory()) {
      rootReal = realOrResolved(input);
      walk(input, 0);
    }
    else if (st.isFile()) files.push(input);
    else errors.push({ file: input, message: `not a regular file (${kindOf(st)}), skipped` });
  }
  return { files, errors, excluded };
}

/** A file that could not be read as an input: `reason` is the cause without the file name. */
export class InputError extends FileError {
  override name = 'InputError';
}

/**
 * The largest file worth reading for an image of at most `maxPixels` pixels: 16-bit RGBA PNG
 * stored uncompressed is 8 bytes per pixel, plus room for metadata.
 */
export function maxImageBytes(maxPixels: number): number {
  return maxPixels * 8 + 16 * 1024 * 1024;
}

/**
 * Reads a whole input file through readUntrustedFile: anything that is not a regular file (a
 * folder, a named pipe, a device such as /dev/zero, which would never end) and files larger than
 * `maxBytes` are refused, with an InputError naming the cause, before they are read.
 */
export function readInputFile(file: string, maxBytes: number): Buffer {
  return readUntrustedFile(file, {
    limit: maxBytes, error: InputError,
    tooBig: (size, max) => `file is ${size} bytes, more than any image within the pixel limit could need (${max} bytes; raise --max-pixels)`,
  });
}

/**
 * The label file for an image: same base name in `labelDir`, else the same stem with .png (a
 * regular file first; else something else of that name, which the reader then refuses by kind).
 */
export function labelPathFor(imagePath: string, labelDir: string): string | null {
  const base = path.basename(imagePath);
  const candidates = [path.join(labelDir, base), path.join(labelDir, base.replace(/\.[^.]+$/, '') + '.png')];
  let other: string | null = null;
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return c;
      other ??= c; // a pipe, device or folder by that name: returned, so reading it names what it is
    } catch {
      // try the next candidate
    }
  }
  return other;
}

/**
 * The cause of a failed image for its entry, which already names `file`: the reason of a
 * FileError about that file, else the whole message (one about another file, its label say, keeps
 * that file's name). A pixel-limit refusal says which flag raises the limit.
 */
export function reasonFor(err: unknown, file: string): string {
  const cause = err instanceof FileError && err.file === file ? err.reason : err instanceof Error ? err.message : String(err);
  return /exceeds maxPixels/.test(cause) ? `${cause} (raise --max-pixels to allow it)` : cause;
}
