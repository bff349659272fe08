import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseShard } from '../lib/shard/spec';
import { listRunInputs } from '../lib/shard/run-inputs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-run-inputs-'));
const names = ['a.png', 'b.jpg', 'c.png', 'd.png', 'e.jpg'];
for (const n of names) writeFileSync(path.join(dir, n), 'x');
const out = path.join(dir, 'out');
mkdirSync(out);
writeFileSync(path.join(out, 'old.png'), 'x');

const s = suite('listRunInputs');
s('every image of the inputs, the output folder left out of a walk and named', () => {
  const listing = listRunInputs([dir], { recursive: true, out });
  assert.equal(listing.files.map((f) => path.basename(f)), names);
  assert.equal(listing.excluded, [out]);
  assert.is(listing.totalFiles, names.length);
});
s('shards: each image in exactly one part, every part from the same listing', () => {
  for (const by of ['path', 'content'] as const) {
    const parts = [0, 1, 2].map((i) => listRunInputs([dir], { shard: parseShard(`${i}/3`, by) }));
    const all = parts.flatMap((p) => p.files).map((f) => path.basename(f)).sort();
    assert.equal(all, names, by);
    for (const p of parts) assert.is(p.totalFiles, names.length);
  }
});
s('EXPECTED FAILURE: no image and no listing error', () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-empty-'));
  assert.throws(() => listRunInputs([empty]), (e: Error) => e.message === `no images found in ${empty} (formats read: PNG, JPEG, WebP, TIFF, GIF, AVIF)`);
  // a missing input is a listing error, reported by the run, not this
  assert.is(listRunInputs([path.join(empty, 'missing.png')]).errors.length, 1);
});
s.run();
