/** lib/report/out-dir.ts: the output folder made one level at a time, errors naming --out. */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutDirError, prepareOutDir } from '../lib/report/out-dir';
import { tempDir } from './fixtures/report-inputs';

test('creates missing levels and returns the absolute path; an existing folder is fine', () => {
  const dir = tempDir();
  const want = path.join(dir, 'a', 'b', 'c');
  assert.is(prepareOutDir(path.relative(process.cwd(), want)), want);
  assert.ok(statSync(want).isDirectory());
  assert.is(prepareOutDir(want), want);
});

test('a file, or a file on the way, is named', () => {
  const dir = tempDir();
  const file = path.join(dir, 'f');
  writeFileSync(file, 'x');
  assert.throws(() => prepareOutDir(file), (e: Error) => e instanceof OutDirError && e.message === `--out ${file}: is a file, not a folder`);
  assert.throws(() => prepareOutDir(path.join(file, 'sub'), '--out'), /--out .*f\/sub: .*f is a file, not a folder|a part of the path is a file/);
  assert.throws(() => prepareOutDir(''), /--out : name a folder/);
});

if (!existsSync('/proc/self')) console.log('  SKIPPED: /proc and /sys refuse new folders (no /proc here)');
else test('/proc and /sys refuse new folders: reported at once, naming the flag', () => {
  assert.throws(() => prepareOutDir('/proc/segnet-uq-x/y', '--out'), /--out \/proc\/segnet-uq-x\/y: cannot create the folder \/proc\/segnet-uq-x: .*ENOENT/);
  if (existsSync('/sys/kernel')) assert.throws(() => prepareOutDir('/sys/kernel/segnet-uq-x'), /--out \/sys\/kernel\/segnet-uq-x: cannot create the folder/);
});

test('a folder made meanwhile by another run is taken as it is', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'x'));
  assert.is(prepareOutDir(path.join(dir, 'x')), path.join(dir, 'x'));
});

test.run();
