/**
 * The folder of a new user's photos, end to end: an EXIF-rotated JPEG, WebP, TIFF, GIF,
 * a 16-bit PNG and a text file named .webp. Five come out the right way up (each class map equals
 * that of ImageMagick's upright decode of the same file, saved as PNG), one is an error with its
 * cause; nothing is skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import type { ReportSummary } from '../lib/report/summary';
import { tinyModelDir } from './fixtures/report-inputs';
import { CONVERT, haveTools, run, tempDir, writeTestPpm } from './fixtures/magick';

const TOOLS = haveTools('JPEG', 'WEBP', 'TIFF', 'GIF');
if (!TOOLS) console.log('SKIPPED report-formats: ImageMagick (WebP/TIFF/GIF) or exiftool missing (.ci/run installs them)');

function classMap(report: string, summary: ReportSummary, name: string): { width: number; height: number; data: Buffer } {
  const image = summary.images.find((i) => path.basename(i.file) === name);
  if (!image?.outputs?.classMap) throw new Error(`${name} has no outputs`);
  return PNG.sync.read(readFileSync(path.join(report, image.outputs.classMap)));
}

function agreement(a: { data: Buffer }, b: { data: Buffer }): number {
  let same = 0;
  for (let i = 0; i < a.data.length; i += 4) if (a.data[i] === b.data[i] && a.data[i + 1] === b.data[i + 1] && a.data[i + 2] === b.data[i + 2]) same++;
  return same / (a.data.length / 4);
}

if (TOOLS) {
  test('EXIF-rotated JPEG, WebP, TIFF, GIF, 16-bit PNG and a text .webp: five upright, one error', async () => {
    // no dropout: the class map depends on the pixels alone (MC masks are keyed by the file's bytes)
    const model = tinyModelDir({ dropout: false });
    const work = tempDir();
    const folder = path.join(work, 'photos');
    const refFolder = path.join(work, 'reference');
    run('mkdir', ['-p', folder, refFolder]);
    const upright = path.join(work, 'upright.ppm');
    writeTestPpm(upright, 48, 32);
    // a phone's photo: pixels stored turned 90 degrees anticlockwise, Orientation=6 says "turn clockwise to show"
    const jpg = path.join(folder, 'phone.jpg');
    run(CONVERT, [upright, '-rotate', '-90', '-quality', '97', jpg]);
    run('exiftool', ['-q', '-overwrite_original', '-Orientation=6', '-n', jpg]);
    run(CONVERT, [upright, '-define', 'webp:lossless=true', path.join(folder, 'lossless.webp')]);
    run(CONVERT, [upright, path.join(folder, 'scan.tiff')]);
    run(CONVERT, [upright, path.join(folder, 'clip.gif')]);
    run(CONVERT, [upright, '-depth', '16', path.join(folder, 'deep.png')]);
    writeFileSync(path.join(folder, 'notes.webp'), 'not an image, just a name\n');
    for (const name of ['phone.jpg', 'lossless.webp', 'scan.tiff', 'clip.gif', 'deep.png']) {
      run(CONVERT, [`${path.join(folder, name)}[0]`, '-auto-orient', '-depth', '8', path.join(refFolder, `${name}.png`)]);
    }

    const out = path.join(work, 'report');
    const summary = await runReport({ inputs: [folder], out, model: model.model, samples: 2, seed: 1 });
    const refOut = path.join(work, 'report-ref');
    const ref = await runReport({ inputs: [refFolder], out: refOut, model: model.model, samples: 2, seed: 1 });

    const names = summary.images.map((i) => path.basename(i.file)).sort();
    assert.equal(names, ['clip.gif', 'deep.png', 'lossless.webp', 'phone.jpg', 'scan.tiff']);
    assert.is(summary.errors.length, 1);
    assert.is(path.basename(summary.errors[0].file), 'notes.webp');
    assert.match(summary.errors[0].message, /not an image file \(unknown magic bytes/);

    const byName = new Map(summary.images.map((i) => [path.basename(i.file), i]));
    assert.is(byName.get('phone.jpg')?.orientation, 6);
    assert.is(byName.get('phone.jpg')?.format, 'jpeg');
    for (const n of ['clip.gif', 'deep.png', 'lossless.webp', 'scan.tiff']) assert.is(byName.get(n)?.orientation, 1, n);
    assert.equal(['lossless.webp', 'scan.tiff', 'clip.gif', 'deep.png'].map((n) => byName.get(n)?.format), ['webp', 'tiff', 'gif', 'png']);

    for (const name of names) {
      const reference = classMap(refOut, ref, `${name}.png`);
      const image = byName.get(name);
      assert.equal([image?.width, image?.height], [48, 32], `${name} as displayed`);
      const map = classMap(out, summary, name);
      assert.equal([map.width, map.height], [reference.width, reference.height], name);
      // the same pixels give the same class map; jpeg-js and libjpeg differ by a level here and there, which may move a boundary pixel
      const a = agreement(map, reference);
      if (name === 'phone.jpg') assert.ok(a > 0.97, `${name}: ${a}`);
      else assert.is(a, 1, name);
    }
    const onDisk = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ReportSummary;
    assert.is(onDisk.images.find((i) => i.file === jpg)?.orientation, 6, 'orientation recorded in summary.json');
  });
}

test('--map-size: the longest side of the written maps (smaller images keep their size)', async () => {
  const model = tinyModelDir({ dropout: false });
  const folder = tempDir();
  writeFileSync(path.join(folder, 'wide.png'), PNG.sync.write(Object.assign(new PNG({ width: 64, height: 40 }), { data: Buffer.alloc(64 * 40 * 4, 200) })));
  writeFileSync(path.join(folder, 'small.png'), PNG.sync.write(Object.assign(new PNG({ width: 12, height: 10 }), { data: Buffer.alloc(12 * 10 * 4, 90) })));
  const out = tempDir();
  const summary = await runReport({ inputs: [folder], out, model: model.model, samples: 1, mapSize: 32 });
  const size = (name: string): number[] => { const m = classMap(out, summary, name); return [m.width, m.height]; };
  assert.equal(size('wide.png'), [32, 20]);
  assert.equal(size('small.png'), [12, 10]);
  let message = '';
  await runReport({ inputs: [folder], out: tempDir(), model: model.model, samples: 1, mapSize: 3 }).catch((err: Error) => { message = err.message; });
  assert.match(message, /--map-size/);
});

test.run();
