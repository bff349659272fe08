import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SHARD_FILE } from '../lib/shard/manifest';
import { checkComplete, checkDistinctRuns, checkMergeOut, folderOf, type LoadedShard } from '../lib/shard/merge-checks';
import { shardsRecord, shardsSectionHtml } from '../lib/shard/shards-record';

const root = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-merge-checks-'));
const dir = (name: string, files: Record<string, string> = {}): string => {
  const d = path.join(root, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(d, f), text);
  return d;
};
/** The fields of a loaded shard these read. */
const shard = (index: number, count: number, images: number, d = `/runs/s${index}`): LoadedShard =>
  ({ dir: d, manifest: { shard: { index, count, by: 'path' }, images: new Array(images).fill({}) }, outputs: [] }) as unknown as LoadedShard;

const s = suite('merge checks');
s('checkMergeOut: refuses an input as OUT, a shard\'s or a run\'s folder; a new folder or an earlier merge\'s is fine', () => {
  const a = dir('a', { 'calibration.json': '{}' });
  assert.throws(() => checkMergeOut(a, [path.join(a, 'calibration.json'), dir('b')]), /the output folder .*a is also an input/);
  assert.throws(() => checkMergeOut(dir('s', { [SHARD_FILE]: '{}' }), [a]), /holds a shard's run \(shard\.json\)/);
  assert.throws(() => checkMergeOut(dir('run', { 'calibration.json': '{"metrics": {}}' }), [a]), /holds a run's calibration\.json/);
  assert.throws(() => checkMergeOut(dir('bad', { 'calibration.json': '{' }), [a]), /holds a run's calibration\.json/);
  checkMergeOut(dir('merged', { 'calibration.json': '{"mergedFrom": []}' }), [a]);
  checkMergeOut(path.join(root, 'new'), [a]);
  assert.is(folderOf('/x/y/calibration.json'), '/x/y');
  assert.is(folderOf('/x/y'), '/x/y');
});
s('checkDistinctRuns: a calibration.json named twice (as a file and as its folder) is refused', () => {
  checkDistinctRuns(['/r/a', '/r/b/calibration.json']);
  assert.throws(() => checkDistinctRuns(['/r/a', '/r/a/calibration.json']), /^\/r\/a\/calibration\.json is given twice: its images would count twice$/);
});
s('checkComplete: missing shards are an error naming them, unless a partial merge is allowed', () => {
  const given = [shard(0, 3, 2), shard(2, 3, 1)];
  checkComplete(given, [], false);
  checkComplete(given, [1], true);
  assert.throws(() => checkComplete(given, [1], false), /^shard 1\/3 missing \(2 of 3 given\); pass every shard folder, or --allow-partial/);
  assert.throws(() => checkComplete([shard(0, 4, 1)], [1, 3], false), /^shards 1\/4, 3\/4 missing \(1 of 4 given\)/);
});
s('shardsRecord and its section: each shard\'s images, the missing ones flagged, folders escaped', () => {
  const record = shardsRecord([shard(0, 3, 2, '/runs/<a>'), shard(2, 3, 1)], [1]);
  assert.equal(record, { count: 3, by: 'path', missing: [1], merged: [{ index: 0, dir: '/runs/<a>', images: 2 }, { index: 2, dir: '/runs/s2', images: 1 }] });
  const html = shardsSectionHtml(record);
  assert.match(html, /<h2>Shards \(2 of 3, assigned by path\)<\/h2><p class="errors">Partial merge: shard 1 of 3 missing/);
  assert.match(html, /<code>\/runs\/&lt;a&gt;<\/code>, 2 images/);
  assert.not.match(shardsSectionHtml(shardsRecord([shard(0, 1, 1)], [])), /Partial merge/);
});
s.run();
