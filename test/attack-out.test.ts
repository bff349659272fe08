/**
 * Attacks on the output folder (issue 20), bounded: two runs into one folder, a user's own
 * files in it, `--out` under /proc (hung forever before), and -r with --out inside the inputs
 * (the run took in its own outputs).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import type { ReportSummary } from '../lib/report/summary';
import { cli, holdAfter, readSummary } from './fixtures/cli';
import { buildJpeg, rejects, tempDir, tinyModelDir } from './fixtures/report-inputs';

const model = tinyModelDir();


test('two runs into one folder: the second exits 2 at once naming the holder; the first finishes whole', async () => {
  const dir = tempDir();
  const photo = buildJpeg(160, 120, 3);
  for (let k = 0; k < 40; k++) writeFileSync(path.join(dir, `p${String(k).padStart(2, '0')}.jpg`), photo);
  const out = tempDir();
  // the first run is held after its first image (fixtures/hold-run.ts) while the second starts:
  // it always holds the lock then, however fast it would otherwise finish
  const hold = holdAfter(1, tempDir());
  const firstRun = cli(['report', dir, '--model', model.model, '-n', '30', '--seed', '0', '--out', out], undefined, 120_000, hold);
  let firstPid = 0;
  try {
    firstPid = await hold.held();
    const t0 = performance.now();
    const b = await cli(['report', dir, '--model', model.model, '-n', '30', '--seed', '1', '--out', out]);
    console.log(`  second run: exit ${b.code} after ${(performance.now() - t0).toFixed(0)} ms: ${b.stderr.trim().split('\n')[0]}`);
    assert.is(b.code, 2, b.stderr);
    assert.match(b.stderr, new RegExp(`--out ${out}: in use by another run \\(pid ${firstPid} on host `));
  } finally {
    hold.release();
  }
  const first = await firstRun;
  assert.is(first.code, 0, first.stderr);
  const s = readSummary(out) as ReportSummary;
  assert.is(s.seed, 0);
  assert.is(s.images.length, 40);
  assert.is(s.complete, true);
  assert.not.ok(existsSync(path.join(out, '.segnet-uq.lock')), 'the lock is gone after the run');
});

test('a user file in the output folder survives a run; only our own stale temporaries go', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(16, 12));
  const out = tempDir();
  mkdirSync(path.join(out, 'sub'));
  const mine = [path.join(out, 'notes.2024.1.tmp'), path.join(out, 'sub', 'draft.1.2.tmp'), path.join(out, 'keep.tmp')];
  for (const f of mine) writeFileSync(f, 'precious');
  const stale = path.join(out, '.segnet-uq-tmp-999999-0-summary.json.tmp');
  writeFileSync(stale, '{"trunc');
  // a folder of user files is not segnet-uq's: refused without --force (issue 25), kept with it
  await rejects(() => runReport({ inputs: [dir], out, samples: 2, model: model.model, card: model.card }), /holds files segnet-uq did not write \(keep\.tmp, notes\.2024\.1\.tmp, sub\); .* --force/);
  await runReport({ inputs: [dir], out, samples: 2, model: model.model, card: model.card, force: true });
  for (const f of mine) assert.is(readFileSync(f, 'utf8'), 'precious', `${f} was touched`);
  assert.not.ok(existsSync(stale), 'a temporary of a dead run is cleaned up');
});

test('--out under /proc fails within seconds naming --out (it hung forever), before the model loads', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(16, 12));
  const t0 = performance.now();
  const [proc, file, noModel] = await Promise.all([
    cli(['report', dir, '--model', model.model, '-n', '2', '--out', '/proc/segnet-uq-attack/x'], undefined, 20_000),
    cli(['report', dir, '--model', model.model, '-n', '2', '--out', path.join(dir, 'a.jpg')], undefined, 20_000),
    cli(['report', dir, '--model', path.join(dir, 'missing.onnx'), '-n', '2', '--out', '/proc/segnet-uq-attack'], undefined, 20_000),
  ]);
  const ms = performance.now() - t0;
  console.log(`  ${ms.toFixed(0)} ms: ${proc.stderr.trim()} | ${file.stderr.trim()} | ${noModel.stderr.trim()}`);
  assert.is(proc.code, 2, `exit ${proc.code} ${proc.signal ?? ''} ${proc.stderr}`);
  assert.match(proc.stderr, /--out \/proc\/segnet-uq-attack\/x: cannot create the folder \/proc\/segnet-uq-attack: .*ENOENT/);
  assert.is(file.code, 2, file.stderr);
  assert.match(file.stderr, /--out .*a\.jpg: is a file, not a folder/);
  assert.match(noModel.stderr, /--out \/proc\/segnet-uq-attack: cannot create/, 'the folder is checked before the model');
  assert.ok(ms < 15_000, `took ${ms.toFixed(0)} ms`);
});

test('-r with --out inside the inputs: a second run takes in the photos only, and says what it skipped', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(32, 24, 1));
  writeFileSync(path.join(dir, 'b.jpg'), buildJpeg(32, 24, 2));
  const out = path.join(dir, 'report');
  const options = { inputs: [dir], out, samples: 2, model: model.model, card: model.card, recursive: true };
  await runReport(options);
  const second = await runReport(options);
  assert.equal(second.images.map((i) => path.basename(i.file)), ['a.jpg', 'b.jpg']);
  assert.equal(second.errors, []);
  assert.ok(second.warnings.some((w) => w.includes(`${out}: skipped, it is the output folder`)), JSON.stringify(second.warnings));
});

test('a usage error found in lib (report, samples, calibrate, audit) exits 2 and leaves no --out folder behind', async () => {
  const images = tempDir();
  writeFileSync(path.join(images, 'a.jpg'), buildJpeg(32, 24, 1));
  const parent = tempDir();
  const cases: [string, string[]][] = [
    ['report', ['report', images, '--batch', '0']],
    ['samples', ['samples', images, '--ignore-index', '300']],
    ['calibrate', ['calibrate', images, '--labels', images, '--max-pixels', '0']],
    ['audit', ['audit', images, '--labels', images, '--seed', '-1', '--min-miou', '0']],
  ];
  for (const [name, args] of cases) {
    const out = path.join(parent, name);
    const r = await cli([...args, '--model', model.model, '--out', out]);
    assert.is(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /must be an integer/, name);
    assert.not.ok(existsSync(out), `${name}: ${out} was made`);
  }
});

test.run();
