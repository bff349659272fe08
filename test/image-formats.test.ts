/**
 * Formats by content and decodePhoto for WebP, TIFF, GIF, AVIF (sharp), checked against
 * ImageMagick's own decode of the files it wrote; HEIC, truncated files and pixel bombs refused with the reason.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePhoto } from '../lib/image/decode-photo';
import { ImageError } from '../lib/image/errors';
import { hasPhotoExtension, sniffPhotoFormat } from '../lib/image/formats';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { CONVERT, haveTools, magickDecode, meanAbsDiff, run, tempDir, writeTestPpm } from './fixtures/magick';
import { throwsError } from './fixtures/throws';

const sniff = suite('sniffPhotoFormat / hasPhotoExtension');

sniff('magic bytes of each format', () => {
  const b = (s: string, extra: number[] = []): Buffer => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from(extra)]);
  assert.is(sniffPhotoFormat(b('\x89PNG\r\n\x1a\n')), 'png');
  assert.is(sniffPhotoFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
  assert.is(sniffPhotoFormat(b('RIFF\0\0\0\0WEBPVP8 ')), 'webp');
  assert.is(sniffPhotoFormat(b('RIFF\0\0\0\0WAVEfmt ')), null);
  assert.is(sniffPhotoFormat(b('GIF89a')), 'gif');
  assert.is(sniffPhotoFormat(b('II*\0')), 'tiff');
  assert.is(sniffPhotoFormat(b('MM\0*')), 'tiff');
  assert.is(sniffPhotoFormat(b('\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf')), 'avif');
  assert.is(sniffPhotoFormat(b('\0\0\0\x18ftypheic\0\0\0\0mif1heic')), 'heic');
  assert.is(sniffPhotoFormat(b('\0\0\0\x18ftypisom\0\0\0\0isommp41')), null, 'an MP4 is not an image');
  assert.is(sniffPhotoFormat(b('BM\0\0\0\0')), 'bmp');
  assert.is(sniffPhotoFormat(b('<?xml version="1.0"?><svg ')), 'svg');
  assert.is(sniffPhotoFormat(b('hello, I am text')), null);
  assert.is(sniffPhotoFormat(new Uint8Array(0)), null);
  throwsError(() => sniffPhotoFormat('x' as unknown as Uint8Array), TypeError, /^bytes must be a Uint8Array or Buffer, got string$/);
});

sniff('extensions, any case', () => {
  for (const n of ['a.PNG', 'b.jpeg', 'c.WebP', 'd.tif', 'e.tiff', 'f.gif', 'g.avif', 'h.HEIC', 'i.bmp']) assert.ok(hasPhotoExtension(n), n);
  for (const n of ['a.txt', 'README', 'png', 'a.png.json']) assert.not.ok(hasPhotoExtension(n), n);
});

const decode = suite('decodePhoto: formats through sharp');
const TOOLS = haveTools('WEBP', 'TIFF', 'GIF', 'AVIF', 'HEIC');
if (!TOOLS) console.log('SKIPPED image-formats decode checks: ImageMagick with WebP/TIFF/GIF/AVIF/HEIC or exiftool missing (.ci/run installs them)');

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, ImageError);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

if (TOOLS) {
  const dir = tempDir();
  const ppm = path.join(dir, 'src.ppm');
  writeTestPpm(ppm, 40, 30);
  const make = (name: string, ...args: string[]): string => {
    const file = path.join(dir, name);
    run(CONVERT, [ppm, ...args, file]);
    return file;
  };
  const cases: [string, string, string[], number][] = [
    // name, expected format, convert options, tolerance (mean abs diff per sample)
    ['lossless.webp', 'webp', ['-define', 'webp:lossless=true'], 0],
    ['lossy.webp', 'webp', ['-quality', '80'], 2],
    ['plain.tiff', 'tiff', [], 0],
    ['sixteen.tiff', 'tiff', ['-depth', '16'], 0.51],
    ['alpha.tiff', 'tiff', ['-alpha', 'set', '-channel', 'A', '-evaluate', 'set', '50%', '+channel'], 1],
    ['palette.gif', 'gif', [], 0],
    ['photo.avif', 'avif', ['-quality', '90'], 3],
  ];
  for (const [name, format, args, tolerance] of cases) {
    decode(`${name} matches ImageMagick's decode`, async () => {
      const file = make(name, ...args);
      const ours = await decodePhoto(readFileSync(file), { file });
      assert.is(ours.format, format);
      assert.is(ours.orientation, 1);
      const d = meanAbsDiff(ours.image, magickDecode(file));
      assert.ok(d <= tolerance, `${name}: mean abs diff ${d.toFixed(3)} > ${tolerance}`);
    });
  }
  decode('TIFF with Orientation=6 is turned upright', async () => {
    const file = make('turned.tiff');
    run('exiftool', ['-q', '-overwrite_original', '-Orientation=6', '-n', file]);
    const ours = await decodePhoto(readFileSync(file), { file });
    assert.is(ours.orientation, 6);
    assert.is(ours.image.width, 30);
    assert.is(ours.image.height, 40);
    assert.is(meanAbsDiff(ours.image, magickDecode(file)), 0);
  });
  decode('animated GIF: the first frame', async () => {
    const file = path.join(dir, 'anim.gif');
    run(CONVERT, ['-size', '8x6', 'xc:red', 'xc:blue', '-loop', '0', file]);
    const ours = await decodePhoto(readFileSync(file), { file });
    assert.is(ours.image.width, 8);
    assert.is(ours.image.height, 6);
    assert.equal(Array.from(ours.image.data.subarray(0, 3)), [255, 0, 0]);
  });
  decode('HEIC is refused with the reason', async () => {
    const file = make('phone.heic');
    await rejects(decodePhoto(readFileSync(file), { file }), /phone\.heic: HEIC .* not supported: .*no HEVC/);
  });
  decode('truncated WebP and TIFF', async () => {
    for (const name of ['cut.webp', 'cut.tiff']) {
      const bytes = readFileSync(make(name));
      await rejects(decodePhoto(bytes.subarray(0, Math.floor(bytes.length / 2)), { file: name }), /truncated or corrupt (WEBP|TIFF) data/);
    }
  });
  decode('pixel limit from the header, before decoding', async () => {
    const file = make('big.webp');
    await rejects(decodePhoto(readFileSync(file), { file, maxPixels: 1000 }), /image too large: 40x30 = 1200 pixels exceeds maxPixels 1000/);
  });
}

const PIL = TOOLS && pythonHas('PIL', 'numpy');
if (TOOLS && !PIL) console.log('SKIPPED image-formats JPEG-vs-PIL check: /usr/bin/python3 lacks PIL (Debian python3-pil)');
if (PIL) {
  decode('JPEG pixels are bit-identical to PIL (the training pipeline\'s decoder)', async () => {
    const dir = tempDir();
    const ppm = path.join(dir, 'src.ppm');
    writeTestPpm(ppm, 97, 61);
    for (const [name, args] of [['q90.jpg', ['-quality', '90']], ['420.jpg', ['-sampling-factor', '2x2', '-quality', '75']], ['progressive.jpg', ['-interlace', 'JPEG']]] as const) {
      const file = path.join(dir, name);
      run(CONVERT, [ppm, ...args, file]);
      const py = spawnSync(PYTHON, ['-c', 'import sys, numpy; from PIL import Image; sys.stdout.buffer.write(numpy.asarray(Image.open(sys.argv[1]).convert("RGB")).tobytes())', file], { maxBuffer: 1 << 24 });
      assert.is(py.status, 0, String(py.stderr));
      const ours = await decodePhoto(readFileSync(file), { file });
      assert.is(Buffer.compare(Buffer.from(ours.image.data), py.stdout), 0, `${name}: decodePhoto differs from PIL`);
    }
  });
}

decode('text named .webp', async () => {
  await rejects(decodePhoto(Buffer.from('hello, I am text\n'), { file: 'notes.webp' }), /notes\.webp: not an image file \(unknown magic bytes/);
});

sniff.run();
decode.run();
