/**
 * The output folder against a user's files (issue 25, part 5): --out at a folder segnet-uq did
 * not make is refused unless --force (it replaced that folder's index.html and summary.json, even
 * in $HOME), and `report D -r --out D` never lists its own outputs (the second run took its 19
 * PNGs as inputs).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { listInputs } from '../lib/run/inputs';
import { OUT_MARKER } from '../lib/report/out-dir';
import { buildJpeg, rejects, tempDir, tinyModelDir } from './fixtures/report-inputs';

const model = tinyModelDir();
const run = (inputs: string[], out: string, extra: Record<string, unknown> = {}): ReturnType<typeof runReport> =>
  runReport({ inputs, out, samples: 2, model: model.model, card: model.card, ...extra });

test('--out at a folder of user files (index.html, summary.json of their own) is refused, unless --force', async () => {
  const images = tempDir();
  writeFileSync(path.join(images, 'a.jpg'), buildJpeg(16, 12));
  const home = tempDir();
  writeFileSync(path.join(home, 'index.html'), '<p>my page</p>');
  writeFileSync(path.join(home, 'summary.json'), '{"mine": true}');
  await rejects(() => run([images], home), /--out .*: holds files segnet-uq did not write \(index\.html, summary\.json\)/);
  assert.is(readFileSync(path.join(home, 'index.html'), 'utf8'), '<p>my page</p>', 'untouched');
  assert.not.ok(existsSync(path.join(home, OUT_MARKER)));
  // a new folder, then the same folder again: ours, so a rerun writes without --force
  const out = path.join(tempDir(), 'new');
  await run([images], out);
  assert.ok(existsSync(path.join(out, OUT_MARKER)));
  assert.is((await run([images], out)).images.length, 1);
  await run([images], home, { force: true });
  assert.match(readFileSync(path.join(home, 'index.html'), 'utf8'), /segnet-uq/);
});

test('report D -r --out D, twice: the second run lists the same images, not its own outputs', async () => {
  const d = tempDir();
  mkdirSync(path.join(d, 'sub'));
  writeFileSync(path.join(d, 'a.jpg'), buildJpeg(16, 12, 1));
  writeFileSync(path.join(d, 'sub', 'b.jpg'), buildJpeg(16, 12, 2));
  const first = await run([d], d, { recursive: true, force: true });
  assert.is(first.images.length, 2);
  const second = await run([d], d, { recursive: true });
  assert.equal(second.images.map((i) => i.file).sort(), first.images.map((i) => i.file).sort());
  // the listing skips the output folder's own folders (images/, charts/, assets/) but keeps the user's
  const listed = listInputs([d], { recursive: true, exclude: [d] });
  assert.ok(listed.files.every((f) => !/[/\\](images|charts|assets)[/\\]/.test(f)), listed.files.join(', '));
});

test.run();
