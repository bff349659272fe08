/**
 * Attacks on the files segnet-uq reads but did not make (issue 25, part 1): a named pipe, a
 * device (/dev/zero), a socket or a folder where a model, card, config, baseline, resume file,
 * shard JSON, lock or label should be. Before lib/safe-read.ts a pipe hung the process past
 * SIGTERM and /dev/zero took gigabytes; now each is refused at once, naming the file and what it
 * is. The readers run in a child (a hang there is killed, not this test) with a time bound.
 */
import { spawnSync } from 'node:child_process';
import { ftruncateSync, openSync, closeSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readJsonFile } from '../lib/json-file';
import { READ_LIMITS } from '../lib/defaults';
import { readUntrustedFile } from '../lib/safe-read';
import { buildJpeg, tempDir, tinyModelDir } from './fixtures/report-inputs';
import { cli } from './fixtures/cli';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const ROOT = path.join(__dirname, '..');

/** `reader: message` lines of the child for one kind of file, within `ms`. */
function attack(kind: string, ms = 15_000): Map<string, string> {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'test', 'fixtures', 'untrusted-reads.ts'), kind], {
    cwd: ROOT, encoding: 'utf8', timeout: ms, killSignal: 'SIGKILL', maxBuffer: 1 << 20,
  });
  const elapsed = performance.now() - started;
  assert.is(r.signal, null, `the readers of a ${kind} were killed after ${elapsed.toFixed(0)} ms (hung or bloated); got:\n${r.stdout}${r.stderr.slice(-2000)}`);
  assert.is(r.status, 0, r.stderr);
  return new Map(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
}

const READERS = ['--model', '--card', '--config', '--baseline', '--baseline folder', 'resume summary.json', 'shard.json', 'calibration.json',
  'shard summary.json', 'samples-stats.json', 'merge OUT calibration.json', 'lock file', 'label'];

for (const [kind, words] of [['fifo', 'a named pipe'], ['zero', 'a character device'], ['socket', 'a socket']] as const) {
  test(`a ${kind} where each file the tool reads should be: refused at once, naming it as ${words}`, () => {
    const lines = attack(kind);
    for (const reader of READERS) {
      const message = lines.get(reader);
      assert.ok(message !== undefined, `${reader} printed nothing`);
      if (reader === 'merge OUT calibration.json') {
        // an unreadable calibration.json there is not a merge's: refused as another run's folder
        assert.match(message as string, /holds a run's calibration.json/, reader);
        continue;
      }
      if (reader === 'lock file') {
        assert.match(message as string, /exists but is not a segnet-uq lock/, reader);
        continue;
      }
      assert.match(message as string, `not a regular file (${words})`, `${reader}: ${message}`);
    }
  });
}

test('a folder named like the card, the model or a label: "is a folder", not "no label named like it"', () => {
  const lines = attack('folder');
  for (const reader of ['--model', '--card', '--config', 'calibration.json', 'label']) assert.match(lines.get(reader) ?? '', 'is a folder', reader);
});

test('a sparse file over a kind\'s cap is refused by its size before any byte is read', () => {
  const dir = tempDir();
  const big = path.join(dir, 'big.json');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, READ_LIMITS.json + 1);
  closeSync(fd);
  assert.throws(() => readJsonFile(big, { flag: '--baseline' }),
    (e: Error) => e.message === `--baseline ${big}: file is ${READ_LIMITS.json + 1} bytes, more than the limit for a JSON file of a run (${READ_LIMITS.json} bytes)`);
  assert.throws(() => readJsonFile(big, { limit: 'card' }), (e: Error) => /more than the limit for a model card \(1048576 bytes\)/.test(e.message));
  assert.throws(() => readUntrustedFile(big, { limit: 10 }), (e: Error) => /more than the limit \(10 bytes\)/.test(e.message));
});

test('through the CLI: report --model FIFO and audit --config FIFO exit 2 at once naming the pipe (hung past SIGTERM before)', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(16, 12));
  const fifo = path.join(dir, 'm.onnx');
  execFileSync('mkfifo', [fifo]);
  const model = tinyModelDir();
  const [report, audit] = await Promise.all([
    cli(['report', dir, '--model', fifo, '--card', model.card, '-n', '2', '--out', path.join(dir, 'out')], undefined, 15_000),
    cli(['audit', '--from', dir, '--config', fifo, '--out', path.join(dir, 'audit')], undefined, 15_000),
  ]);
  assert.is(report.code, 2, `report: ${report.signal ?? ''} ${report.stderr}`);
  assert.match(report.stderr, `${fifo}: not a regular file (a named pipe)`);
  assert.is(audit.code, 2, `audit: ${audit.signal ?? ''} ${audit.stderr}`);
  assert.match(audit.stderr, `--config ${fifo}: not a regular file (a named pipe)`);
});

test.run();
