/** Bad images end to end: one runReport over a folder of them; each is handled or listed in errors. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { listInputs } from '../lib/run/inputs';
import { describeFsError } from '../lib/errors';
import type { ReportSummary } from '../lib/report/summary';
import { bombPng, buildJpeg, buildPng, tempDir, tinyModelDir } from './fixtures/report-inputs';

const model = tinyModelDir();
const folder = tempDir();
const put = (name: string, bytes: Uint8Array | string): string => {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
};
const png = buildPng({ width: 12, height: 10 });
const jpg = buildJpeg(12, 10);

/** file name -> expected cause (RegExp), or 'ok' */
const CASES: Record<string, RegExp | 'ok'> = {};
const add = (name: string, bytes: Uint8Array | string, expect: RegExp | 'ok'): void => {
  put(name, bytes);
  CASES[name] = expect;
};
add('a-ok.png', png, 'ok');
add('zero-bytes.png', new Uint8Array(0), /empty file \(0 bytes\)/);
add('truncated.png', png.subarray(0, Math.floor(png.length * 0.6)), /truncated PNG|corrupt PNG/);
add('truncated.jpg', jpg.subarray(0, Math.floor(jpg.length * 0.5)), /truncated JPEG/);
add('jpeg-named.png', jpg, 'ok');
add('png-named.jpg', png, 'ok');
add('not-an-image.png', 'hello, I am text\n', /not an image file \(unknown magic bytes/);
add('sixteen-bit.png', buildPng({ width: 9, height: 7, depth: 16, colorType: 2 }), 'ok');
add('gray.png', buildPng({ width: 9, height: 7, colorType: 0 }), 'ok');
add('gray-2bit.png', buildPng({ width: 9, height: 7, colorType: 0, depth: 2 }), 'ok');
add('gray-alpha.png', buildPng({ width: 9, height: 7, colorType: 4 }), 'ok');
add('rgba.png', buildPng({ width: 9, height: 7, colorType: 6 }), 'ok');
add('palette.png', buildPng({ width: 9, height: 7, colorType: 3, depth: 4, plte: [255, 0, 0, 0, 255, 0, 0, 0, 255] }), 'ok');
add('interlaced.png', buildPng({ width: 13, height: 11, interlace: true }), 'ok');
add('one-pixel.png', buildPng({ width: 1, height: 1 }), 'ok');
add('large.jpg', buildJpeg(640, 480, 3), 'ok');
add('bomb.png', bombPng(100000, 100000), /image too large: 100000x100000 .* exceeds maxPixels 1000000 \(raise --max-pixels/);
add('bomb-within-2g.png', bombPng(30000, 30000), /exceeds maxPixels/);
// walked as a folder with --recursive (the run below); refused without (a test further down)
mkdirSync(path.join(folder, 'folder.png'));
symlinkSync('self-loop.png', path.join(folder, 'self-loop.png'));
CASES['self-loop.png'] = /symlink loop/;
symlinkSync('ping.png', path.join(folder, 'pong.png'));
symlinkSync('pong.png', path.join(folder, 'ping.png'));
CASES['ping.png'] = /symlink loop/;
CASES['pong.png'] = /symlink loop/;
symlinkSync(folder, path.join(folder, 'loop-dir'));
// a sparse file far larger than any image within the pixel limit: refused by size, not read
const big = put('huge-file.png', png);
truncateSync(big, 17 * 1024 * 1024 + 8_000_000 + 1);
CASES['huge-file.png'] = /file is \d+ bytes, more than any image within the pixel limit/;
const fifo = path.join(folder, 'fifo.png');
execFileSync('mkfifo', [fifo]);
CASES['fifo.png'] = /not a regular file \(a named pipe\)/;

let summary: ReportSummary;
const out = tempDir();

test('a folder of bad images: the good ones complete, each bad one is listed with its cause', async () => {
  summary = await runReport({ inputs: [folder, fifo, '/dev/zero'], out, model: model.model, samples: 2, maxPixels: 1_000_000, recursive: true });
  const errorOf = new Map(summary.errors.map((e) => [e.file, e.message]));
  const done = new Set(summary.images.map((i) => i.file));
  for (const [name, expect] of Object.entries(CASES)) {
    const file = path.join(folder, name);
    if (expect === 'ok') {
      assert.ok(done.has(file), `${name} should complete, got error: ${errorOf.get(file) ?? 'none'}`);
      assert.not.ok(errorOf.has(file), name);
    } else {
      assert.not.ok(done.has(file), `${name} should fail`);
      const message = errorOf.get(file) ?? errorOf.get(file + '/') ?? '';
      assert.match(message, expect, `${name}: '${message}'`);
      assert.not.match(message, new RegExp(`^${folder}`), `${name}: the cause alone, not the file again`);
    }
  }
  assert.match(errorOf.get('/dev/zero') ?? '', /not a regular file \(a character device\)/);
  assert.match(errorOf.get(fifo) ?? '', /not a regular file \(a named pipe\)/);
  assert.ok(summary.errors.some((e) => /symlink loop/.test(e.message) && e.file.endsWith('loop-dir')), 'folder loop reported');
  assert.is(summary.complete, true);
  const onDisk = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ReportSummary;
  assert.is(onDisk.images.length, summary.images.length);
  assert.is(onDisk.errors.length, summary.errors.length);
  for (const image of summary.images) assert.ok(existsSync(path.join(out, image.outputs?.classMap ?? '(no outputs)')), image.file);
});

test('wrong extensions, 16-bit, gray, palette, 1x1 and large inputs keep their own size', () => {
  const byName = new Map(summary.images.map((i) => [path.basename(i.file), i]));
  assert.equal([byName.get('one-pixel.png')?.width, byName.get('one-pixel.png')?.height], [1, 1]);
  assert.equal([byName.get('large.jpg')?.width, byName.get('large.jpg')?.height], [640, 480]);
  assert.equal([byName.get('jpeg-named.png')?.width, byName.get('jpeg-named.png')?.height], [12, 10]);
  for (const image of summary.images) assert.ok(Number.isFinite(image.meanEntropy), image.file);
});

test('the folder named like an image is walked with --recursive, refused without', () => {
  const listing = listInputs([folder]);
  assert.ok(listing.errors.some((e) => e.file.endsWith('folder.png') && /folder named like an image/.test(e.message)));
});

test('EACCES reads as permission denied', () => {
  assert.is(describeFsError(Object.assign(new Error('x'), { code: 'EACCES' })), 'permission denied (EACCES)');
});

/**
 * An unreadable file, read for real. chmod 000 does not stop root (CI runs as root), so as root the
 * read runs in a child process as nobody (setpriv); the file's folder is open to all, so the file's
 * own mode is what refuses it.
 */
const ROOT = process.getuid?.() === 0;
const SETPRIV = ROOT && spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']).status === 0;
if (ROOT && !SETPRIV) console.log('  SKIPPED report-bad-images unreadable file: running as root without a working setpriv (util-linux) to drop to nobody');
else {
  test('an unreadable file (mode 000) is an InputError naming it: permission denied (EACCES)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const file = path.join(dir, 'locked.png');
    writeFileSync(file, png);
    chmodSync(file, 0o000);
    const code = `const { readInputFile } = require('./lib/run/inputs');
try { readInputFile(${JSON.stringify(file)}, 1e9); console.log(JSON.stringify({ read: true })); }
catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
    const cmd = ROOT ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath] : [process.execPath];
    const run = spawnSync(cmd[0], [...cmd.slice(1), '-r', 'tsx/cjs', '-e', code], { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, HOME: tmpdir() } });
    assert.is(run.status, 0, run.stderr.slice(-1500));
    const got = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { read?: boolean; name?: string; message?: string };
    assert.equal(got, { name: 'InputError', message: `${file}: permission denied (EACCES)` });
  });
}

test('a bomb header is refused before any pixel memory is allocated', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'bomb.png'), bombPng(60000, 60000));
  const before = process.memoryUsage().rss;
  const s = await runReport({ inputs: [dir], out: tempDir(), model: model.model, samples: 1 });
  assert.match(s.errors[0].message, /60000x60000 = 3600000000 pixels exceeds maxPixels 40000000/);
  assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024);
});

test.run();
