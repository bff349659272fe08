/** Expands the command line's files and folders into the list of images to process. */
import { readdirSync, realpathSync, statSync } from 'fs';
import * as path from 'path';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

export interface InputListing {
  readonly files: string[];
  /** inputs that could not be listed: missing paths, unreadable folders, loops */
  readonly errors: { file: string; message: string }[];
}

const naturalCompare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * Files given by name are taken whatever their extension (the decoder sniffs the content);
 * folders contribute their .png/.jpg/.jpeg files, in natural order, recursing with `recursive`
 * and never visiting the same real folder twice (symlink loops).
 */
export function listInputs(inputs: readonly string[], options: { recursive?: boolean } = {}): InputListing {
  const files: string[] = [];
  const errors: { file: string; message: string }[] = [];
  const visited = new Set<string>();
  const walk = (dir: string, depth: number): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (err) {
      errors.push({ file: dir, message: `cannot resolve folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      return;
    }
    if (visited.has(real)) {
      if (depth > 0) errors.push({ file: dir, message: 'folder already visited (symlink loop), skipped' });
      return;
    }
    visited.add(real);
    let names: string[];
    try {
      names = readdirSync(dir).sort(naturalCompare);
    } catch (err) {
      errors.push({ file: dir, message: `cannot list folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())) {
          errors.push({ file: full, message: code === 'ELOOP' ? 'symlink loop' : `cannot stat (${code ?? (err as Error).message})` });
        }
        continue;
      }
      if (st.isDirectory()) {
        if (options.recursive) walk(full, depth + 1);
        else if (IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())) errors.push({ file: full, message: 'is a folder named like an image, skipped (use --recursive to descend)' });
      } else if (st.isFile() && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())) {
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
    if (st.isDirectory()) walk(input, 0);
    else files.push(input);
  }
  return { files, errors };
}

/** The label file for an image: same base name in `labelDir`, else the same stem with .png. */
export function labelPathFor(imagePath: string, labelDir: string): string | null {
  const base = path.basename(imagePath);
  const candidates = [path.join(labelDir, base), path.join(labelDir, base.replace(/\.[^.]+$/, '') + '.png')];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // try the next candidate
    }
  }
  return null;
}
