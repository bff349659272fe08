/**
 * The report command as a process: exit codes (0 ok, 1 an image failed, 2 usage or input error,
 * 130 interrupted by SIGINT) and an interrupted run that --resume completes. Few spawns: each
 * costs about 1.5 s of TypeScript start-up.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReportSummary } from '../lib/report/summary';
import { cli, Exit, holdAfter, readSummary } from './fixtures/cli';
import { buildJpeg, tempDir, tinyModelDir } from './fixtures/report-inputs';

const model = tinyModelDir();


const TOTAL = 30;

/**
 * Starts `report` over TOTAL copies of one JPEG, holds it once summary.json lists `afterImages`
 * finished images (fixtures/hold-run.ts), sends `signal` and lets it go on: the signal always
 * arrives mid-run, however fast the run. Returns the exit and the report's arguments, for --resume.
 */
async function interruptedRun(prefix: string, seed: number, signal: NodeJS.Signals, afterImages: number):
  Promise<{ exit: Exit; out: string; args: string[] }> {
  const dir = tempDir();
  const photo = buildJpeg(160, 120, seed);
  for (let k = 0; k < TOTAL; k++) writeFileSync(path.join(dir, `${prefix}${String(k).padStart(2, '0')}.jpg`), photo);
  const out = tempDir();
  const args = ['report', dir, '--model', model.model, '-n', '8', '--out', out];
  const hold = holdAfter(afterImages, tempDir());
  const exit = await cli(args, (child) => {
    void hold.held().then(() => {
      child.kill(signal);
      hold.release();
    }, () => child.kill('SIGKILL'));
  }, 120_000, hold);
  return { exit, out, args };
}

test('exit codes: 1 when an image failed, 2 for bad numbers (naming the flag and value)', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'good.jpg'), buildJpeg(16, 12));
  writeFileSync(path.join(dir, 'bad.png'), 'not an image');
  const common = ['report', dir, '--model', model.model];
  const [failed, rate, zero] = await Promise.all([
    cli([...common, '-n', '2', '--out', tempDir()]),
    cli([...common, '-n', '2', '--out', tempDir(), '--dropout-rate', '1.5']),
    cli([...common, '--out', tempDir(), '--samples', '0']),
  ]);
  assert.is(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /error: .*bad\.png: not an image file/);
  assert.match(failed.stdout, /1 images, 1 errors/);
  assert.is(rate.code, 2, rate.stderr);
  assert.match(rate.stderr, /--dropout-rate must be a number in \(0, 1\), got 1\.5/);
  assert.is(zero.code, 2, zero.stderr);
  assert.match(zero.stderr, /--samples must be an integer in 1\.\.100000, 'auto' or 'analytic', got 0/);
});

test('--samples auto: summary.json records the N each image got and the rule; the same seed gives the same N and numbers', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(16, 12, 3));
  writeFileSync(path.join(dir, 'b.jpg'), buildJpeg(16, 12, 4));
  const run = (out: string): Promise<Exit> => cli(['report', dir, '--model', model.model, '--samples', 'auto', '--tolerance', '0.2',
    '--max-samples', '40', '--seed', '5', '--out', out, '--json']);
  const outs = [tempDir(), tempDir()];
  const [first, second, usage] = await Promise.all([run(outs[0]), run(outs[1]),
    cli(['report', dir, '--model', model.model, '-n', '5', '--tolerance', '0.1', '--out', tempDir()])]);
  assert.is(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout) as ReportSummary, b = JSON.parse(second.stdout) as ReportSummary;
  assert.equal(a.samples, { auto: { tolerance: 0.2, mapTolerance: 2, maxSamples: 40, minSamples: 16, step: 8 } });
  for (const image of a.images) assert.ok([16, 24, 32, 40].includes(image.samples ?? 0), `${image.file}: N=${image.samples}`);
  const strip = (s: ReportSummary): unknown => s.images.map(({ ms: _ms, ...rest }) => rest);
  assert.equal(strip(a), strip(b));
  assert.match(readFileSync(path.join(outs[0], 'index.html'), 'utf8'), /Samples per image \(auto\)/);
  assert.is(usage.code, 2, usage.stderr);
  assert.match(usage.stderr, /--tolerance and --max-samples need --samples auto/);
});

test('SIGINT after the first image: exit 130, summary.json parses with complete: false; --resume completes', async () => {
  const { exit: interrupted, out, args } = await interruptedRun('p', 9, 'SIGINT', 1);
  assert.is(interrupted.code, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /interrupted after \d+ images; run again with --resume/);
  const partial = readSummary(out);
  assert.ok(partial, 'summary.json parses');
  assert.is(partial?.complete, false);
  const done = partial?.images.length ?? 0;
  assert.ok(done >= 1 && done < TOTAL, `${done} of ${TOTAL} finished`);
  for (const image of partial?.images ?? []) assert.ok(existsSync(path.join(out, image.outputs?.overlay ?? '(no outputs)')), image.id);

  const resumed = await cli([...args, '--resume', '--json']);
  assert.is(resumed.code, 0, resumed.stderr);
  const final = JSON.parse(resumed.stdout) as ReportSummary;
  assert.is(final.complete, true);
  assert.is(final.images.length, TOTAL);
  assert.equal(final.images.slice(0, done), partial?.images, 'finished entries re-used as they were');
});

test('SIGKILL mid-run (a crash): no result file is truncated, and --resume completes and clears temporaries', async () => {
  const { exit: killed, out, args } = await interruptedRun('k', 11, 'SIGKILL', 2);
  assert.is(killed.signal, 'SIGKILL');
  const partial = readSummary(out);
  assert.ok(partial, 'summary.json parses after a crash');
  for (const image of partial?.images ?? []) {
    assert.not.throws(() => PNG.sync.read(readFileSync(path.join(out, image.outputs?.overlay ?? '(no outputs)'))), `${image.id} overlay is whole`);
  }
  // A write cut off by the kill leaves a temporary; plant one as well so the clean-up is always exercised.
  writeFileSync(path.join(out, '.segnet-uq-tmp-999999-0-summary.json.tmp'), '{"trunc');
  const resumed = await cli([...args, '--resume', '--json']);
  assert.is(resumed.code, 0, resumed.stderr);
  const final = JSON.parse(resumed.stdout) as ReportSummary;
  assert.is(final.complete, true);
  assert.is(final.images.length, TOTAL);
  const leftovers = readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'));
  assert.equal(leftovers, []);
});

test.run();
