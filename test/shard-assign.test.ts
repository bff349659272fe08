/** lib/shard/assign: every image in exactly one shard, by a hash that ignores order and machine. */
import { execFileSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listInputs } from '../lib/run/inputs';
import { compareImageKeys, keysOf, selectShard, shardOfText } from '../lib/shard/assign';
import { parseShard } from '../lib/shard/spec';

function tree(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-assign-'));
  mkdirSync(path.join(dir, 'a', 'deep'), { recursive: true });
  mkdirSync(path.join(dir, 'b'));
  for (let i = 0; i < 40; i++) writeFileSync(path.join(dir, ['a', 'b', 'a/deep'][i % 3], `f${i}.png`), `image ${i}`);
  return dir;
}

const listing = (root: string): ReturnType<typeof listInputs> => listInputs([root], { recursive: true });

test('keys are relative to the input root with / separators; a file given by name is its base name', () => {
  const dir = tree();
  const keys = keysOf([path.join(dir, 'a', 'deep', 'f2.png'), path.join(dir, 'b', 'f1.png')], [dir]);
  assert.equal(keys, [{ root: 0, key: 'a/deep/f2.png' }, { root: 0, key: 'b/f1.png' }]);
  assert.equal(keysOf([path.join(dir, 'b', 'f1.png')], [path.join(dir, 'a'), path.join(dir, 'b', 'f1.png')]), [{ root: 1, key: 'f1.png' }]);
});

test('the shards partition the listing; the assignment is the sha256 of the key modulo the count', () => {
  const dir = tree();
  const all = listing(dir);
  const parts = [0, 1, 2].map((i) => selectShard(all, [dir], parseShard(`${i}/3`)));
  const union = parts.flatMap((p) => p.files).sort();
  assert.equal(union, [...all.files].sort(), 'every file once');
  assert.ok(parts.every((p) => p.files.length > 0 && p.totalFiles === 40));
  // checked against coreutils' sha256sum, not our code
  const key = 'a/deep/f2.png';
  const hex = execFileSync('sha256sum', [], { input: key }).toString().slice(0, 12);
  assert.is(shardOfText(key, 3), parseInt(hex, 16) % 3);
  assert.ok(parts[shardOfText(key, 3)].files.includes(path.join(dir, key)));
});

test('the same shard on another machine (other folder, other listing order) holds the same images', () => {
  const dir = tree();
  const elsewhere = path.join(mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-other-')), 'data');
  cpSync(dir, elsewhere, { recursive: true });
  const spec = parseShard('1/3');
  const here = selectShard(listing(dir), [dir], spec).keys.map((k) => k.key);
  const reversed = listing(elsewhere);
  const there = selectShard({ files: [...reversed.files].reverse(), errors: [] }, [elsewhere], spec).keys.map((k) => k.key);
  assert.equal([...there].sort(), [...here].sort());
  // by content: a renamed copy stays in its shard
  const byContent = parseShard('2/3', 'content');
  const before = selectShard(listing(dir), [dir], byContent).files.map((f) => path.basename(f)).sort();
  const after = selectShard(listing(elsewhere), [elsewhere], byContent).files.map((f) => path.basename(f)).sort();
  assert.equal(after, before);
});

test('listing errors go to one shard each; without a shard nothing is dropped', () => {
  const dir = tree();
  const missing = path.join(dir, 'missing.png');
  const all = listInputs([dir, missing], { recursive: true });
  assert.is(all.errors.length, 1);
  const errs = [0, 1, 2, 3].map((i) => selectShard(all, [dir, missing], parseShard(`${i}/4`)).errors.length);
  assert.is(errs.reduce((a, b) => a + b, 0), 1);
  assert.is(selectShard(all, [dir, missing], null).files.length, 40);
});

test('compareImageKeys sorts the keys of every shard back into the listing order of one run', () => {
  const dir = tree();
  for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, 'a', `f${i * 7}0.png`), 'x'); // f0, f70, f140...: natural order differs from text order
  const all = listing(dir);
  const keys = keysOf(all.files, [dir]);
  const shuffled = [0, 1, 2].flatMap((i) => selectShard(all, [dir], parseShard(`${i}/3`)).keys);
  assert.equal([...shuffled].sort(compareImageKeys), keys);
});

test.run();
