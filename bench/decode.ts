/**
 * Decode time of a JPEG: jpeg-js (what decodeImage uses) against sharp (libvips, libjpeg-turbo
 * family), to RGB, median of --reps after one warm-up each; and the whole decodePhoto (jpeg-js +
 * EXIF orientation). Run: npx tsx bench/decode.ts FILE.jpg [...] [--reps 7]
 */
import { readFileSync } from 'node:fs';
import * as jpeg from 'jpeg-js';
import sharp from 'sharp';
import { decodePhoto } from '../lib/image/decode-photo';

const args = process.argv.slice(2);
const repsAt = args.indexOf('--reps');
const reps = repsAt >= 0 ? Number(args.splice(repsAt, 2)[1]) : 7;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => unknown): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

(async () => {
  sharp.concurrency(1); // one libvips thread: a fair match for single-threaded jpeg-js
  sharp.cache(false); // else libvips's operation cache answers the repeats
  for (const file of args) {
    const bytes = readFileSync(file);
    const jpegJs = await time(() => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 100, maxMemoryUsageInMB: 2048 }));
    const vips = await time(() => sharp(bytes).removeAlpha().raw().toBuffer());
    const photo = await time(() => decodePhoto(bytes, { file }));
    const { width, height } = await sharp(bytes).metadata();
    console.log(JSON.stringify({ file, width, height, bytes: bytes.length, reps, jpegJsMs: +jpegJs.toFixed(1), sharpMs: +vips.toFixed(1), decodePhotoMs: +photo.toFixed(1), ratio: +(jpegJs / vips).toFixed(2) }));
  }
})();
