/**
 * File names that are not UTF-8 (issue 25, part 7): `caf\xe9.png` (Latin-1) was reported as
 * 'cannot stat (ENOENT)' and never processed. Now the name's bytes go to the file system and an
 * escaped form is shown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { listInputs, readInputFile } from '../lib/run/inputs';
import { buildJpeg, tempDir, tinyModelDir } from './fixtures/report-inputs';

const dir = tempDir();
const photo = buildJpeg(16, 12, 3);
const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
writeFileSync(bytes(dir, '/caf', [0xe9], '.jpg'), photo);
mkdirSync(bytes(dir, '/d', [0xff]));
writeFileSync(bytes(dir, '/d', [0xff], '/x', [0xe9], '.jpg'), photo);
writeFileSync(path.join(dir, 'plain.jpg'), photo);

test('a Latin-1 name is listed escaped and read by its bytes, also inside a Latin-1 folder', () => {
  const listing = listInputs([dir], { recursive: true });
  assert.equal(listing.errors, []);
  assert.equal(listing.files.map((f) => path.relative(dir, f)), ['caf\\xe9.jpg', 'd\\xff/x\\xe9.jpg', 'plain.jpg']);
  for (const f of listing.files) assert.equal(readInputFile(f, 1 << 20), photo, f);
});

test('report processes them: 3 images, no error', async () => {
  const model = tinyModelDir();
  const summary = await runReport({ inputs: [dir], recursive: true, out: path.join(tempDir(), 'out'), samples: 2, model: model.model, card: model.card });
  assert.equal(summary.errors, []);
  assert.is(summary.images.length, 3);
  assert.ok(summary.images.some((i) => i.file.endsWith('caf\\xe9.jpg')));
});

test.run();
