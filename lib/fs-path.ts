/**
 * File names that are not UTF-8 (`caf\xe9.png` written by a Latin-1 system): Node's string paths
 * cannot name them (the bytes decode to U+FFFD, and the file is then 'not found'). A listing
 * keeps such a name's bytes here, under an escaped display name (`caf\xe9.png`), and every read
 * of a file the tool did not make asks fsPath for the path to give the file system (issue 25).
 */
import * as path from 'path';

const bytesOf = new Map<string, Buffer>();

/** The path to hand to fs for `p`: the bytes a listing recorded for it, else `p` itself. */
export function fsPath(p: string): string | Buffer {
  return bytesOf.get(p) ?? p;
}

/** A name's bytes as text: itself when they are UTF-8, else each byte of 0x80 and above as \xNN. */
export function displayName(name: Buffer): string {
  const text = name.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(name)) return text;
  return [...name].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
}

/** The display path of `name` (bytes) in the folder `dir` (a display path), recording its bytes when they are not UTF-8. */
export function childPath(dir: string, name: Buffer): string {
  const shown = displayName(name);
  const full = path.join(dir, shown);
  const parent = fsPath(dir);
  if (shown !== name.toString('utf8') || typeof parent !== 'string') {
    const base = typeof parent === 'string' ? Buffer.from(parent, 'utf8') : parent;
    bytesOf.set(full, Buffer.concat([base, Buffer.from(path.sep), name]));
  }
  return full;
}
