/**
 * The component metrics threshold each image at the pooled best-F1 score, known only when every
 * image has been seen. Until then each image's label and score bins wait on disk (gzip, under
 * OUT/.anomaly-bins/), so memory stays that of one image whatever the number of images. A shard
 * keeps them with an index.json, for the merge's component pass at the whole run's threshold.
 */
import { mkdirSync, readFileSync, rmSync } from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { writeFileAtomic } from '../atomic';
import { FileError } from '../errors';

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

export const BIN_DIR = '.anomaly-bins';

export class BinStore {
  readonly dir: string;
  readonly images: StoredImage[] = [];

  constructor(out: string) {
    this.dir = path.join(out, BIN_DIR);
  }

  /** The store a shard kept in `out` (keep()); paths resolved inside it. */
  static open(out: string): BinStore {
    const store = new BinStore(out);
    const index = path.join(store.dir, 'index.json');
    let listed: unknown;
    try {
      listed = JSON.parse(readFileSync(index, 'utf8'));
    } catch (err) {
      throw new FileError(index, `cannot read the anomaly shard's bins: ${(err as Error).message}`);
    }
    for (const [i, o] of (Array.isArray(listed) ? listed : []).entries()) {
      const ok = o && typeof o.file === 'string' && Number.isInteger(o.width) && Number.isInteger(o.height) && o.width > 0 && o.height > 0 && typeof o.name === 'string' && /^\d+\.bin\.gz$/.test(o.name);
      if (!ok) throw new FileError(index, `entry ${i} is not { file, width, height, name }`);
      store.images.push({ file: o.file, width: o.width, height: o.height, path: path.join(store.dir, o.name) });
    }
    return store;
  }

  /** Keeps the bins for a merge: index.json lists them. */
  keep(): void {
    mkdirSync(this.dir, { recursive: true });
    const listed = this.images.map((i) => ({ file: i.file, width: i.width, height: i.height, name: path.basename(i.path) }));
    writeFileAtomic(path.join(this.dir, 'index.json'), JSON.stringify(listed) + '\n');
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
