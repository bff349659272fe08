/**
 * The component metrics threshold each image at the pooled best-F1 score, known only when every
 * image has been seen. Until then each image's label and score bins wait on disk (gzip, under
 * OUT/.anomaly-bins/), so memory stays that of one image whatever the number of images.
 */
import { mkdirSync, readFileSync, rmSync } from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { writeFileAtomic } from '../atomic';

export interface StoredImage {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly path: string;
}

export interface ImageBins {
  readonly labels: Uint8Array;
  /** per score kind, in the order stored */
  readonly bins: readonly Uint16Array[];
}

export class BinStore {
  readonly dir: string;
  readonly images: StoredImage[] = [];

  constructor(out: string) {
    this.dir = path.join(out, '.anomaly-bins');
  }

  add(file: string, width: number, height: number, labels: Uint8Array, bins: readonly Uint16Array[]): void {
    // an earlier run's leftovers go with the first image (the output folder is locked by then)
    if (this.images.length === 0) rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    const parts = [labels, ...bins].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    const p = path.join(this.dir, `${this.images.length}.bin.gz`);
    writeFileAtomic(p, gzipSync(Buffer.concat(parts), { level: 1 }));
    this.images.push({ file, width, height, path: p });
  }

  read(image: StoredImage, kinds: number): ImageBins {
    const n = image.width * image.height;
    const raw = gunzipSync(readFileSync(image.path));
    if (raw.length !== n * (1 + 2 * kinds)) throw new RangeError(`${image.path}: ${raw.length} bytes, expected ${n * (1 + 2 * kinds)}`);
    const labels = new Uint8Array(raw.buffer, raw.byteOffset, n);
    // copied: the Uint16 views need an even byte offset
    const bins = Array.from({ length: kinds }, (_, k) => new Uint16Array(Uint8Array.from(raw.subarray(n + 2 * n * k, n + 2 * n * (k + 1))).buffer));
    return { labels, bins };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
