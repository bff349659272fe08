import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileError } from '../lib/errors';
import { readJsonFile } from '../lib/json-file';

const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-json-'));

/** The FileError readJsonFile throws for `file`. */
function failure(file: string, flag?: string): FileError {
  try {
    readJsonFile(file, flag === undefined ? {} : { flag });
  } catch (err) {
    assert.instance(err, FileError);
    return err as FileError;
  }
  return assert.unreachable(`${file} was read`) as never;
}

test('readJsonFile: the parsed content', () => {
  const file = path.join(dir, 'ok.json');
  writeFileSync(file, '{"a": [1, 2]}');
  assert.equal(readJsonFile(file), { a: [1, 2] });
});

test('readJsonFile: damaged JSON, a missing file and a folder, each a FileError naming the file and the cause', () => {
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{"a": ');
  const e = failure(bad, '--baseline');
  assert.is(e.file, bad);
  assert.match(e.reason, /^not JSON \(/);
  assert.ok(e.cause instanceof SyntaxError);
  assert.is(e.message, `--baseline ${bad}: ${e.reason}`);
  const missing = path.join(dir, 'none.json');
  assert.is(failure(missing).message, `${missing}: no such file`);
  assert.is(failure(dir).reason, 'is a folder');
});

test.run();
