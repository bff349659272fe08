/**
 * lib/defaults.ts is the one place of every user-facing default: each is documented, the values
 * the modules take agree with it, and no copy of a distinctive value is written elsewhere in
 * lib/ or bin/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as defaults from '../lib/defaults';
import { DEVICES } from '../lib/engine/session';
import { formatByteSize, parseByteSize, resolveServeOptions } from '../lib/server/options';

const ROOT = path.join(__dirname, '..');
const SOURCE = readFileSync(path.join(ROOT, 'lib', 'defaults.ts'), 'utf8');

test('every default is exported with a comment saying why, and the file imports nothing', () => {
  const lines = SOURCE.split('\n');
  const exported = lines.flatMap((l, i) => (/^export const (\w+)/.test(l) ? [[l.match(/^export const (\w+)/)![1], i] as const] : []));
  assert.equal(exported.map(([name]) => name).sort(), Object.keys(defaults).sort());
  for (const [name, i] of exported) assert.match(lines[i - 1], /\*\/\s*$/, `${name} has no comment above it`);
  assert.not.match(SOURCE, /^\s*import\s/m);
});

test('the modules resolve to the defaults: serve options, batch per device', () => {
  assert.equal(resolveServeOptions({}), defaults.SERVE_DEFAULTS);
  assert.equal(Object.keys(defaults.DEFAULT_BATCH).sort(), [...DEVICES].sort());
  assert.ok((DEVICES as readonly string[]).includes(defaults.DEFAULT_DEVICE));
});

test('formatByteSize writes what parseByteSize reads back (the --max-upload default in --help)', () => {
  assert.is(formatByteSize(defaults.SERVE_DEFAULTS.maxUpload), '20MB');
  for (const n of [1, 1000, 1024, 512 * 1024, 3 * 1024 ** 3, 5 * 1024 ** 2 + 1]) assert.is(parseByteSize('--max-upload', formatByteSize(n)), n);
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no copy of a distinctive default in lib/ or bin/ (output folders, pixel budget, port)', () => {
  const copies = [/['"`]reports[/'"`]/, /\b40_?000_?000\b/, /\b8080\b/, /\[1, 2, 5, 10, 20, 50\]/];
  const found: string[] = [];
  for (const file of [...sources(path.join(ROOT, 'lib')), ...sources(path.join(ROOT, 'bin'))]) {
    if (file.endsWith(path.join('lib', 'defaults.ts'))) continue;
    const text = readFileSync(file, 'utf8').split('\n');
    text.forEach((line, i) => {
      if (copies.some((re) => re.test(line))) found.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.equal(found, []);
});

test.run();
