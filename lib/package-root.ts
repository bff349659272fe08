/** The package's root folder, from the sources (lib/) or the build (dist/lib/), and its version. */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

function findRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'models'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(start, '..');
}

export const PACKAGE_ROOT = findRoot(__dirname);

export const TOOL_VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
