/**
 * Attacks on merge through the files of the runs it merges (issue 25, parts 3, 4 and 6): output
 * paths in a shard's summary.json that leave the shard, a recorded card path that names another
 * file, a merge or audit --from into a folder another run holds, and one image in two runs.
 * Before: merge --copy exited 0 having copied a folder beside the shard into OUT; the card's
 * path was followed and the file's first characters printed; both writers ignored the lock; the
 * image was counted twice. Small runs of a 8x8 model, in-process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { messageOf } from './fixtures/throws';
import { runCalibrate } from '../lib/commands/calibrate';
import { runMerge } from '../lib/commands/merge';
import { shardOfText } from '../lib/shard/assign';
import { runReport } from '../lib/commands/report';
import { auditCalibrationFile } from '../lib/commands/audit';
import { LOCK_NAME } from '../lib/report/out-lock';
import { checkDistinctImages, checkPartition, type LoadedShard } from '../lib/shard/merge-checks';
import type { ShardManifest } from '../lib/shard/manifest';
import { parseShard } from '../lib/shard/spec';
import { makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 3 });
const dir = (name: string): string => path.join(project.dir, name);
const base = { inputs: [project.images], labels: project.labels, model: project.model, card: project.card, samples: 2, seed: 1 };
const shards = [dir('s-0'), dir('s-1')];
const SHA = (c: string): string => c.repeat(64);

/** Rewrites shard 0's summary.json through `edit`; returns a function putting it back. */
function tamper(edit: (summary: { images: { outputs: Record<string, string> }[]; settings: { card: { path: string } } }) => void): () => void {
  const file = path.join(shards[0], 'summary.json');
  const text = readFileSync(file, 'utf8');
  const summary = JSON.parse(text);
  edit(summary);
  writeFileSync(file, JSON.stringify(summary));
  return () => writeFileSync(file, text);
}

test('setup: two shards of a labelled report', async () => {
  for (const [i, out] of shards.entries()) await runReport({ ...base, out, shard: parseShard(`${i}/2`) });
  assert.ok(existsSync(path.join(shards[0], 'summary.json')));
});

test('merge --copy: an output path out of the shard is refused before anything is written (a folder beside it was copied, exit 0)', () => {
  mkdirSync(dir('secret'), { recursive: true });
  writeFileSync(path.join(dir('secret'), 'x.png'), 'private');
  for (const evil of ['../secret/x.png', '../x.png', '/etc/passwd', 'images/../../secret/x.png']) {
    const restore = tamper((s) => { s.images[0].outputs.photo = evil; });
    const out = dir(`copied-${evil.length}`);
    const message = messageOf(() => runMerge({ inputs: shards, out, copy: true }));
    restore();
    assert.match(message, `${path.join(shards[0], 'summary.json')}: images[0].outputs.photo ${JSON.stringify(evil)} is not`);
    assert.not.ok(existsSync(out), `${evil}: nothing left behind (a partial OUT was left before)`);
  }
});

test('merge: the card path a shard recorded is not followed to another file, nor is that file quoted', () => {
  writeFileSync(dir('notes.txt'), 'TOPSECRET first line of a private file');
  const restore = tamper((s) => { s.settings.card.path = dir('notes.txt'); });
  const message = messageOf(() => runMerge({ inputs: shards, out: dir('card-merged') }));
  restore();
  assert.match(message, 'is not the card the runs were made with');
  assert.not.match(message, 'TOPSECRET');
  assert.not.ok(existsSync(dir('card-merged')));
  assert.ok(runMerge({ inputs: shards, out: dir('card-merged') }).summary, 'the untampered shards merge');
});

test('merge and audit --from refuse a folder whose lock another live run holds (they exited 0 and mixed both runs)', async () => {
  const holder = spawn('sleep', ['20'], { stdio: 'ignore' });
  try {
    const out = dir('held');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, LOCK_NAME), JSON.stringify({ pid: holder.pid, host: hostname(), started: 'now', command: 'report' }) + '\n');
    assert.match(messageOf(() => runMerge({ inputs: shards, out })), `--out ${out}: in use by another run (pid ${holder.pid}`);
    assert.not.ok(existsSync(path.join(out, 'summary.json')), 'the merge wrote nothing there');
    const merged = dir('card-merged');
    const gates = [{ metric: 'meanIoU', kind: 'min' as const, value: 0, relative: false, severity: 'fail' as const }];
    // a merge without calibration.json: make one the way calibrate does, then audit it into the held folder
    await runCalibrate({ ...base, out: dir('cal') });
    assert.match(messageOf(() => auditCalibrationFile({ from: dir('cal'), out, gates })), `in use by another run (pid ${holder.pid}`);
    assert.not.ok(existsSync(path.join(out, 'audit.json')));
    assert.ok(existsSync(merged));
  } finally {
    holder.kill('SIGKILL');
  }
});

test('one image (same content) in two runs or two shards is refused naming both (counted twice before)', () => {
  const runs = [dir('run-a'), dir('run-b')];
  runs.forEach((d, i) => {
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'summary.json'), JSON.stringify({ images: [{ id: 'x', file: `${d}/photo.png`, sha256: SHA(i ? 'b' : 'a') }, { id: 'y', file: `${d}/same.png`, sha256: SHA('c') }] }));
  });
  const message = messageOf(() => checkDistinctImages(runs));
  assert.match(message, `${path.join(runs[1], 'summary.json')}: ${runs[1]}/same.png has the same content`);
  assert.match(message, `as ${runs[0]}/same.png of another run`);
  // two shards by path, each holding a copy of one photo under another folder
  const keyIn = (shard: number, folder: string): string => {
    for (let k = 0; ; k++) if (shardOfText(`${folder}/a${k}.png`, 2) === shard) return `${folder}/a${k}.png`;
  };
  const shard = (index: number, key: string): LoadedShard => ({
    dir: `/shards/${index}`, outputs: [],
    manifest: { shard: { index, count: 2, by: 'path', source: '' }, images: [{ root: 0, key, file: key, sha256: SHA('d') }] } as unknown as ShardManifest,
  });
  const [k0, k1] = [keyIn(0, 'x'), keyIn(1, 'y')];
  assert.is(messageOf(() => checkPartition([shard(0, k0), shard(1, k1)])),
    `/shards/1: ${k1} has the same content (sha256 dddddddddddd...) as ${k0} in /shards/0: it would be counted twice; remove the copy from the inputs`);
});

test.run();
