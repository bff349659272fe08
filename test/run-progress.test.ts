/**
 * Progress: the tracker's rate, ETA and line schedule on a fake clock; the printer off a terminal
 * (plain lines), on one (a bar redrawn with \r) and with --quiet (nothing); and the report command
 * as a process with stderr piped, as in CI.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, ProgressTracker, progressLine } from '../lib/run/progress';
import { progressPrinter } from '../bin/progress';
import { buildPng, tempDir, tinyModelDir } from './fixtures/report-inputs';

const tracker = suite('ProgressTracker');

tracker('rate, ETA and errors on a fake clock', () => {
  let t = 1000;
  const p = new ProgressTracker({ now: () => t });
  p.start(10);
  assert.equal(p.snapshot(), { done: 0, total: 10, errors: 0, msPerImage: null, etaMs: null, fraction: 0 });
  t += 2000;
  p.image(true);
  t += 2000;
  p.image(false);
  const s = p.snapshot();
  assert.is(s.done, 2);
  assert.is(s.errors, 1);
  assert.is(s.msPerImage, 2000);
  assert.is(s.etaMs, 16000);
  p.samples(5, 10); // half of the third image
  t += 1000;
  const h = p.snapshot();
  assert.is(h.msPerImage, 5000 / 2.5);
  assert.is(h.etaMs, 7.5 * 2000);
  assert.is(h.fraction, 0.25);
});

tracker('resumed images are counted but do not set the rate', () => {
  let t = 0;
  const p = new ProgressTracker({ now: () => t });
  p.start(4);
  p.image(true, true);
  p.image(true, true);
  assert.is(p.snapshot().msPerImage, null);
  t += 3000;
  p.image(true);
  assert.is(p.snapshot().msPerImage, 3000);
  assert.is(p.snapshot().etaMs, 3000);
});

tracker('a line at each further tenth, or after 30 s without one', () => {
  let t = 0;
  const p = new ProgressTracker({ now: () => t });
  p.start(25);
  const due: number[] = [];
  for (let i = 1; i <= 25; i++) {
    t += 100;
    p.image(true);
    if (p.lineDue()) due.push(i);
  }
  // tenths of 25: 2.5, 5, 7.5, ... -> after images 3, 5, 8, 10, 13, 15, 18, 20, 23, 25
  assert.equal(due, [3, 5, 8, 10, 13, 15, 18, 20, 23, 25]);
  const slow = new ProgressTracker({ now: () => t });
  slow.start(1000);
  t += 29_999;
  assert.not.ok(slow.lineDue());
  t += 1;
  assert.ok(slow.lineDue(), 'after 30 s');
  assert.not.ok(slow.lineDue(), 'not twice');
});

tracker('line text and durations', () => {
  assert.is(progressLine({ done: 30, total: 101, errors: 1, msPerImage: 3312.4, etaMs: 235_000, fraction: 0.3 }),
    '30/101 images (29%), 1 error, 3312 ms/image, ETA 3m55s');
  assert.is(progressLine({ done: 0, total: 5, errors: 0, msPerImage: null, etaMs: null, fraction: 0 }), '0/5 images (0%), 0 errors, ms/image -, ETA -');
  assert.is(formatDuration(0), '0s');
  assert.is(formatDuration(1), '1s');
  assert.is(formatDuration(3_725_000), '1h02m05s');
});

const printer = suite('progressPrinter');

function fakeStream(isTTY: boolean): { write(s: string): boolean; isTTY: boolean; text: string } {
  return { isTTY, text: '', write(s: string) { this.text += s; return true; } };
}

function feed(stream: ReturnType<typeof fakeStream>, quiet = false): void {
  let t = 0;
  const print = progressPrinter(stream, { quiet, now: () => t });
  print({ type: 'start', total: 20, warnings: ['no dropout found'] });
  for (let i = 0; i < 20; i++) {
    print({ type: 'sample', index: i, file: `f${i}`, done: 1, total: 2 });
    t += 500;
    print({ type: 'image', index: i, file: `f${i}`, ok: i !== 7 });
  }
  print({ type: 'done' });
}

printer('off a terminal: a plain line per tenth, no escape codes', () => {
  const s = fakeStream(false);
  feed(s);
  const lines = s.text.trim().split('\n');
  assert.is(lines[0], 'warning: no dropout found');
  const progress = lines.filter((l) => l.startsWith('progress: '));
  assert.is(progress.length, 10);
  assert.is(progress[0], 'progress: 2/20 images (10%), 0 errors, 500 ms/image, ETA 9s');
  assert.is(progress[9], 'progress: 20/20 images (100%), 1 error, 500 ms/image, ETA 0s');
  assert.not.match(s.text, /\r|\x1b/);
});

printer('on a terminal: a bar with the ETA, cleared at the end', () => {
  const s = fakeStream(true);
  feed(s);
  assert.match(s.text, /\r\x1b\[K\[#{15}\.{15}\] 10\/20 images \(50%\), 1 error, 500 ms\/image, ETA 5s/);
  assert.ok(s.text.endsWith('\r\x1b[K'));
});

printer('--quiet: warnings only', () => {
  for (const tty of [false, true]) {
    const s = fakeStream(tty);
    feed(s, true);
    assert.is(s.text, 'warning: no dropout found\n');
  }
});

const cli = suite('report as a process, stderr piped (as in CI)');

cli('prints progress lines; --quiet prints none', async () => {
  const ROOT = path.join(__dirname, '..');
  const model = tinyModelDir();
  const dir = tempDir();
  for (let i = 0; i < 4; i++) writeFileSync(path.join(dir, `img-${i}.png`), buildPng({ width: 12 + i, height: 10 }));
  writeFileSync(path.join(dir, 'bad.png'), 'not an image');
  const run = (extra: string[]): Promise<string> => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'bin', 'cli.ts'), 'report', dir, '--model', model.model,
      '--samples', '2', '--out', tempDir(), ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', () => resolve(err));
  });
  const [loud, quiet] = await Promise.all([run([]), run(['--quiet'])]);
  const lines = loud.split('\n').filter((l) => l.startsWith('progress: '));
  assert.ok(lines.length >= 5, loud);
  assert.match(lines[lines.length - 1], /^progress: 5\/5 images \(100%\), 1 error, \d+ ms\/image, ETA 0s$/);
  assert.not.match(quiet, /progress: /);
  assert.match(quiet, /error: .*bad\.png: not an image file/);
});

tracker.run();
printer.run();
cli.run();
