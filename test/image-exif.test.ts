/** EXIF orientation: the tag read from JPEG and PNG, and each of the 8 transforms, checked against ImageMagick's -auto-orient. */
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePhoto } from '../lib/image/decode-photo';
import { orientationFromTiff, orientImage, pngOrientation, type Orientation } from '../lib/image/exif';
import { buildJpeg } from './fixtures/report-inputs';
import { CONVERT, haveTools, magickDecode, meanAbsDiff, run, tempDir, writeTestPpm } from './fixtures/magick';

const transforms = suite('orientImage');

transforms('a 3x2 image through all 8 orientations (hand-worked pixel order)', () => {
  // pixels numbered 0..5 row by row: 0 1 2 / 3 4 5
  const img = { width: 3, height: 2, data: new Uint8Array([0, 1, 2, 3, 4, 5].flatMap((v) => [v, v, v])) };
  const expected: Record<Orientation, [number, number, number[]]> = {
    1: [3, 2, [0, 1, 2, 3, 4, 5]],
    2: [3, 2, [2, 1, 0, 5, 4, 3]],
    3: [3, 2, [5, 4, 3, 2, 1, 0]],
    4: [3, 2, [3, 4, 5, 0, 1, 2]],
    5: [2, 3, [0, 3, 1, 4, 2, 5]],
    6: [2, 3, [3, 0, 4, 1, 5, 2]],
    7: [2, 3, [5, 2, 4, 1, 3, 0]],
    8: [2, 3, [2, 5, 1, 4, 0, 3]],
  };
  for (const o of [1, 2, 3, 4, 5, 6, 7, 8] as Orientation[]) {
    const out = orientImage(img, o);
    const [w, h, order] = expected[o];
    assert.is(out.width, w, `orientation ${o} width`);
    assert.is(out.height, h, `orientation ${o} height`);
    assert.equal(Array.from(out.data.filter((_, i) => i % 3 === 0)), order, `orientation ${o}`);
  }
});

transforms('bad orientation value', () => {
  assert.throws(() => orientImage({ width: 1, height: 1, data: new Uint8Array(3) }, 9 as Orientation), /^orientation must be an integer in 1\.\.8, got 9$/);
});

const tags = suite('orientation tags');

tags('missing, malformed or out-of-range tags read as 1', () => {
  assert.is(orientationFromTiff(new Uint8Array(0)), 1);
  assert.is(orientationFromTiff(Buffer.from('XX*\0\0\0\0\0')), 1);
  assert.is(pngOrientation(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 1);
  // big-endian TIFF, one IFD entry: Orientation SHORT 9 (invalid), then 6
  const tiff = (v: number): Buffer => Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, v, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.is(orientationFromTiff(tiff(9)), 1);
  assert.is(orientationFromTiff(tiff(6)), 6);
});

tags('a JPEG without EXIF decodes as stored, orientation 1 (sharp reads the JPEG tag)', async () => {
  const bytes = buildJpeg(6, 4);
  assert.not.ok(bytes.includes('Exif'), 'no APP1 Exif segment');
  const photo = await decodePhoto(bytes);
  assert.equal([photo.orientation, photo.image.width, photo.image.height], [1, 6, 4]);
});

const magick = suite('decodePhoto against ImageMagick -auto-orient');
const TOOLS = haveTools('JPEG', 'PNG');
if (!TOOLS) console.log('SKIPPED image-exif ImageMagick checks: convert or exiftool missing (.ci/run installs imagemagick and libimage-exiftool-perl)');

if (TOOLS) {
  const dir = tempDir();
  const ppm = path.join(dir, 'src.ppm');
  writeTestPpm(ppm, 48, 32);
  for (const o of [1, 2, 3, 4, 5, 6, 7, 8] as Orientation[]) {
    magick(`JPEG with Orientation=${o} (set by exiftool)`, async () => {
      const file = path.join(dir, `o${o}.jpg`);
      run(CONVERT, [ppm, '-quality', '95', file]);
      run('exiftool', ['-q', '-overwrite_original', `-Orientation=${o}`, '-n', file]);
      const bytes = run('cat', [file]);
      const ours = await decodePhoto(bytes, { file });
      assert.is(ours.orientation, o);
      const ref = magickDecode(file);
      assert.is(ours.image.width, ref.width, 'width as displayed');
      assert.is(ours.image.height, ref.height, 'height as displayed');
      // jpeg-js and libjpeg differ by a level or two per sample; a wrong transform differs by ~100
      const d = meanAbsDiff(ours.image, ref);
      assert.ok(d < 3, `mean abs diff ${d.toFixed(2)}`);
    });
  }
  magick('PNG with an eXIf Orientation=8 (set by exiftool)', async () => {
    const file = path.join(dir, 'o8.png');
    run(CONVERT, [ppm, file]);
    run('exiftool', ['-q', '-overwrite_original', '-Orientation=8', '-n', file]);
    const bytes = run('cat', [file]);
    const ours = await decodePhoto(bytes, { file });
    assert.is(ours.orientation, 8);
    // ImageMagick 6 does not apply eXIf: the reference is the stored image turned by convert -rotate -90
    assert.is(meanAbsDiff(ours.image, magickRotated(ppm, -90)), 0);
  });
}

function magickRotated(ppm: string, degrees: number): ReturnType<typeof magickDecode> {
  const out = path.join(path.dirname(ppm), `rotated${degrees}.ppm`);
  run(CONVERT, [ppm, '-rotate', String(degrees), out]);
  return magickDecode(out);
}

transforms.run();
tags.run();
magick.run();
