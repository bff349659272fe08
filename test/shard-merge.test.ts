/**
 * lib/shard/merge: the shards of a report, calibrate, samples and audit run merge into exactly
 * the numbers of one run over every image (compared with ===, not a tolerance), and every way
 * shards can fail to add up is refused naming the folder or image.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GateSpec } from '../lib/audit/gates';
import { runAudit } from '../lib/commands/audit';
import { runCalibrate } from '../lib/commands/calibrate';
import { runMerge } from '../lib/commands/merge';
import { runReport } from '../lib/commands/report';
import { runSamples } from '../lib/commands/samples';
import type { ReportImage } from '../lib/report/summary';
import { mergeExitCode } from '../lib/commands/merge-shards';
import { fileHeader } from '../lib/report/file-header';
import { parseShard } from '../lib/shard/spec';
import { makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 9 });
const dir = (name: string): string => path.join(project.dir, name);
const base = { inputs: [project.images], labels: project.labels, model: project.model, card: project.card, samples: 3, seed: 7 };
const N = 3;
const shardDirs = (name: string, n = N): string[] => Array.from({ length: n }, (_, i) => dir(`${name}-${i}`));
const gate = (metric: string, kind: 'min' | 'max', value: number): GateSpec => ({ metric, kind, value, relative: false, severity: 'fail' });
const gates = [gate('meanIoU', 'min', 0.01), gate('ece', 'max', 0.99), gate('iou:Tree', 'min', 0), gate('msPerImage', 'max', 1e9)];

/** The per-image numbers of a summary, without what names or times the run. */
const numbers = (images: readonly ReportImage[]): unknown[] => images.map(({ id: _id, outputs: _o, ms: _ms, ...rest }) => rest);

/** A merged file's header is the merging tool's (fileHeader), first in the file, made after `since`. */
function assertMergedHeader(file: string, since: string): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  assert.equal(Object.keys(json).slice(0, 3), ['schemaVersion', 'tool', 'createdAt'], file);
  assert.equal(json.tool, fileHeader(1).tool, file);
  assert.ok((json.createdAt as string) >= since, `${file}: createdAt ${String(json.createdAt)} before the merge (${since})`);
}

test('report: the merged summary.json lists every image in the run\'s order with its numbers, and the label metrics equal', async () => {
  const whole = await runReport({ ...base, out: dir('report') });
  for (const [i, out] of shardDirs('report').entries()) await runReport({ ...base, out, shard: parseShard(`${i}/${N}`) });
  const mergedAt = new Date().toISOString();
  const r = runMerge({ inputs: shardDirs('report'), out: dir('report-merged') });
  assertMergedHeader(path.join(dir('report-merged'), 'summary.json'), mergedAt);
  assert.equal(numbers(r.summary?.images ?? []), numbers(whole.images));
  assert.equal(r.summary?.metrics, whole.metrics);
  assert.equal(r.summary?.images.map((i) => i.file), whole.images.map((i) => i.file));
  // the links of the merged page point into the shard folders
  const first = r.summary?.images[0].outputs?.entropy as string;
  assert.ok(existsSync(path.join(dir('report-merged'), first)), first);
  assert.match(readFileSync(path.join(dir('report-merged'), 'index.html'), 'utf8'), /Shards \(3 of 3/);
  assert.is(mergeExitCode(r), 0);
  // --copy: the maps are copied under OUT
  const copied = runMerge({ inputs: shardDirs('report'), out: dir('report-copied'), copy: true });
  const rel = copied.summary?.images[0].outputs?.entropy as string;
  assert.ok(rel.startsWith('shard-') && existsSync(path.join(dir('report-copied'), rel)), rel);
});

test('report --rank-by --top: the merged summary ranks every image of the run, as one run does, with its ranking.csv', async () => {
  const ranking = { by: 'bald' as const, top: 4 };
  const whole = await runReport({ ...base, out: dir('ranked'), ranking });
  for (const [i, out] of shardDirs('ranked').entries()) await runReport({ ...base, out, ranking, shard: parseShard(`${i}/${N}`) });
  const r = runMerge({ inputs: shardDirs('ranked'), out: dir('ranked-merged') });
  assert.is(whole.ranking?.images.length, 4);
  assert.equal(r.summary?.ranking, whole.ranking);
  assert.is(readFileSync(path.join(dir('ranked-merged'), 'ranking.csv'), 'utf8'), readFileSync(path.join(dir('ranked'), 'ranking.csv'), 'utf8'));
});

test('calibrate and audit: calibration.json metrics and stats, and the audit checks, equal one run\'s', async () => {
  const whole = await runAudit({ ...base, out: dir('audit'), images: false, gates });
  const wholeCal = JSON.parse(readFileSync(path.join(dir('audit'), 'calibration.json'), 'utf8'));
  for (const [i, out] of shardDirs('audit').entries()) await runAudit({ ...base, out, images: false, gates, shard: parseShard(`${i}/${N}`) });
  const mergedAt = new Date().toISOString();
  const r = runMerge({ inputs: shardDirs('audit'), out: dir('audit-merged') });
  assertMergedHeader(path.join(dir('audit-merged'), 'calibration.json'), mergedAt);
  assert.equal(r.calibration?.metrics, wholeCal.metrics);
  assert.equal(r.calibration?.stats, wholeCal.stats);
  const strip = (g: { metric: string }): unknown => (g.metric === 'msPerImage' ? null : g);
  assert.equal(r.audit?.gates.map(strip), whole.gates.map(strip));
  assert.equal(r.audit?.metrics, whole.metrics);
  assert.is(r.audit?.passed, true);
  assert.is(mergeExitCode(r), 0);
  const written = JSON.parse(readFileSync(path.join(dir('audit-merged'), 'calibration.json'), 'utf8'));
  assert.equal(written.metrics, wholeCal.metrics);
  assert.ok(existsSync(path.join(dir('audit-merged'), 'junit.xml')));
  // calibrate alone (with the per-image maps) merges the same way
  const cal = await runCalibrate({ ...base, out: dir('cal') });
  for (const [i, out] of shardDirs('cal').entries()) await runCalibrate({ ...base, out, shard: parseShard(`${i}/${N}`, 'content') });
  assert.equal(runMerge({ inputs: shardDirs('cal').reverse(), out: dir('cal-merged') }).calibration?.metrics, cal.calibration.metrics);
});

test('samples: every row equals one run\'s (but the timing)', async () => {
  const counts = [1, 2, 5];
  const whole = await runSamples({ ...base, counts, out: dir('samples') });
  for (const [i, out] of shardDirs('samples').entries()) await runSamples({ ...base, counts, out, shard: parseShard(`${i}/${N}`) });
  const mergedAt = new Date().toISOString();
  const r = runMerge({ inputs: shardDirs('samples'), out: dir('samples-merged') });
  assertMergedHeader(path.join(dir('samples-merged'), 'samples.json'), mergedAt);
  const rows = (rs: typeof whole.rows): unknown[] => rs.map(({ msPerImage: _ms, ...rest }) => rest);
  assert.equal(rows(r.samples?.rows ?? []), rows(whole.rows));
  assert.is(r.samples?.images, whole.images);
  assert.ok(existsSync(path.join(dir('samples-merged'), 'samples.png')));
});

test('EXPECTED FAILURE: a missing shard is refused; --allow-partial merges it flagged, and an audit then exits 2', () => {
  const two = shardDirs('audit').slice(0, 2);
  assert.throws(() => runMerge({ inputs: two, out: dir('x') }), /shard 2\/3 missing \(2 of 3 given\).*--allow-partial/);
  const r = runMerge({ inputs: two, out: dir('partial'), allowPartial: true });
  assert.equal(r.shards.missing, [2]);
  assert.equal((JSON.parse(readFileSync(path.join(dir('partial'), 'summary.json'), 'utf8')) as { shards: { missing: number[] } }).shards.missing, [2]);
  assert.ok(r.audit?.inputErrors.some((e) => /shard 2\/3/.test(e.file)));
  assert.is(mergeExitCode(r), 2);
  assert.match(readFileSync(path.join(dir('partial'), 'index.html'), 'utf8'), /Partial merge: shard 2 of 3 missing/);
});

test('EXPECTED FAILURE: a duplicated shard and an image in two shards are refused, naming them', () => {
  const [a, b, c] = shardDirs('audit');
  assert.throws(() => runMerge({ inputs: [a, b, c, a], out: dir('x') }), /shard 0\/3 is given twice/);
  cpSync(a, dir('copy-of-0'), { recursive: true });
  assert.throws(() => runMerge({ inputs: [a, b, c, dir('copy-of-0')], out: dir('x') }), /shard 0\/3 is given twice: .*audit-0 and .*copy-of-0/);
  // the same folder relabelled as shard 1: its images are now in two shards
  const m = JSON.parse(readFileSync(path.join(dir('copy-of-0'), 'shard.json'), 'utf8'));
  writeFileSync(path.join(dir('copy-of-0'), 'shard.json'), JSON.stringify({ ...m, shard: { ...m.shard, index: 1 } }));
  const image = m.images[0].key as string;
  assert.throws(() => runMerge({ inputs: [a, dir('copy-of-0'), c], out: dir('x') }), (e: Error) => e.message.startsWith(`${image} is in two shards: `) && /audit-0 and .*copy-of-0/.test(e.message));
  // a folder whose images hash elsewhere (not made by --shard 1/3 over these inputs)
  assert.throws(() => runMerge({ inputs: [dir('copy-of-0'), c], out: dir('x'), allowPartial: true }), /hashes to shard 0 of 3, not 1/);
  assert.not.ok(existsSync(dir('x')), 'nothing written on a refused merge');
});

test('EXPECTED FAILURE: mixed seeds, sample counts, cards, splits, commands and schema versions are refused', async () => {
  const [a, b] = shardDirs('audit');
  const run = (out: string, extra: Record<string, unknown>, spec = `2/${N}`): Promise<unknown> =>
    runAudit({ ...base, out, images: false, gates, shard: parseShard(spec), ...extra });
  await run(dir('seed8'), { seed: 8 });
  assert.throws(() => runMerge({ inputs: [a, b, dir('seed8')], out: dir('x') }), /seed8 differs from .*audit-0 in seed \(8, not 7\)/);
  await run(dir('n4'), { samples: 4 });
  assert.throws(() => runMerge({ inputs: [a, b, dir('n4')], out: dir('x') }), /in samples \(4, not 3\)/);
  const card = JSON.parse(readFileSync(project.card, 'utf8'));
  writeFileSync(dir('other-card.json'), JSON.stringify({ ...card, description: 'another card' }));
  await run(dir('card2'), { card: dir('other-card.json') });
  assert.throws(() => runMerge({ inputs: [a, b, dir('card2')], out: dir('x') }), /card2 differs from .* in card/);
  await run(dir('bins5'), { bins: 5 });
  assert.throws(() => runMerge({ inputs: [a, b, dir('bins5')], out: dir('x') }), /bins5.calibration\.json: bins 5 differs from 15/);
  await run(dir('of4'), {}, '3/4');
  assert.throws(() => runMerge({ inputs: [a, b, dir('of4')], out: dir('x') }), /of4 differs from .*: split into 4 shards, not 3/);
  assert.throws(() => runMerge({ inputs: [a, b, shardDirs('report')[2]], out: dir('x') }), /report-2 differs from .*audit-0: it holds summary\.json, not summary\.json, calibration\.json, audit\.json: shards of different commands/);
  cpSync(shardDirs('audit')[2], dir('old-schema'), { recursive: true });
  const s = JSON.parse(readFileSync(path.join(dir('old-schema'), 'summary.json'), 'utf8'));
  writeFileSync(path.join(dir('old-schema'), 'summary.json'), JSON.stringify({ ...s, schemaVersion: 99 }));
  assert.throws(() => runMerge({ inputs: [a, b, dir('old-schema')], out: dir('x') }), /old-schema.summary\.json: not a segnet-uq summary\.json of schema version 1 \(found 99\)/);
  const m = JSON.parse(readFileSync(path.join(dir('old-schema'), 'shard.json'), 'utf8'));
  writeFileSync(path.join(dir('old-schema'), 'shard.json'), JSON.stringify({ ...m, schemaVersion: 2 }));
  assert.throws(() => runMerge({ inputs: [a, b, dir('old-schema')], out: dir('x') }), /old-schema.shard\.json: shard schema version 2/);
  assert.throws(() => runMerge({ inputs: [a, b, dir('cal')], out: dir('x') }), /cal: no shard\.json, while .* is a --shard run/);
  assert.throws(() => runMerge({ inputs: [b, dir('seed8')], out: a }), /output folder .*audit-0 holds a shard's run/);
  assert.not.ok(existsSync(dir('x')), 'nothing written on a refused merge');
});

test.run();
