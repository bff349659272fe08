/** Nothing lost: an aborted run says what finished; --resume re-uses finished images and gives the same numbers. */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { runReport, type ReportEvent, type ReportOptions } from '../lib/commands/report';
import { resumeStep } from '../lib/report/resume';
import type { ReportImage, ReportSettings, ReportSummary } from '../lib/report/summary';
import { buildPng, rejects, tempDir, tinyModelDir } from './fixtures/report-inputs';
import { FileError } from '../lib/errors';

const model = tinyModelDir();
const images = tempDir();
const labels = tempDir();
for (let k = 0; k < 6; k++) {
  writeFileSync(path.join(images, `img${k}.png`), buildPng({ width: 10 + k, height: 8 }));
  writeFileSync(path.join(labels, `img${k}.png`), buildPng({ width: 10 + k, height: 8, colorType: 0, samples: Array.from({ length: (10 + k) * 8 }, (_, i) => (i * 7 + k) % 3) }));
}
const base = (out: string, extra: Partial<ReportOptions> = {}): ReportOptions =>
  ({ inputs: [images], out, model: model.model, samples: 3, seed: 5, labels, ...extra });
const numbers = (i: ReportImage): unknown => ({ ...i, ms: 0 });
const fileTimes = (out: string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const dir of readdirSync(path.join(out, 'images'))) {
    for (const f of readdirSync(path.join(out, 'images', dir))) m.set(`${dir}/${f}`, statSync(path.join(out, 'images', dir, f)).mtimeMs);
  }
  return m;
};

let fresh: ReportSummary;
test('reference: a fresh complete run', async () => {
  fresh = await runReport(base(tempDir()));
  assert.is(fresh.complete, true);
  assert.is(fresh.images.length, 6);
  assert.ok(fresh.settings, 'settings recorded for --resume');
});

test('an aborted run writes summary.json with complete: false; --resume finishes it with the same numbers', async () => {
  const out = tempDir();
  const stop = new AbortController();
  const partial = await runReport(base(out, {
    signal: stop.signal, onEvent: (e: ReportEvent) => { if (e.type === 'image' && e.index === 1) stop.abort(); },
  }));
  assert.is(partial.complete, false);
  assert.ok(partial.images.length >= 2 && partial.images.length < 6, `${partial.images.length} finished`);
  const onDisk = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ReportSummary;
  assert.is(onDisk.complete, false);
  assert.is(onDisk.images.length, partial.images.length);
  assert.ok(statSync(path.join(out, 'index.html')).size > 0, 'the report of what finished');
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  const times = fileTimes(out);

  const events: ReportEvent[] = [];
  const resumed = await runReport(base(out, { resume: true, onEvent: (e) => events.push(e) }));
  assert.is(resumed.complete, true);
  const reused = events.filter((e) => e.type === 'image' && e.resumed).length;
  assert.is(reused, partial.images.length, 'finished images are re-used');
  const sampled = new Set(events.filter((e) => e.type === 'sample').map((e) => (e as { index: number }).index));
  assert.is(sampled.size, 6 - partial.images.length, 'only the rest are sampled');
  for (const [file, t] of times) assert.is(fileTimes(out).get(file), t, `${file} not rewritten`);
  assert.equal(resumed.images.map(numbers), fresh.images.map(numbers));
  assert.equal(resumed.metrics, fresh.metrics);
  assert.equal(resumed.errors, []);
});

test('--resume redoes an image whose content changed, and nothing when all finished', async () => {
  const out = tempDir();
  await runReport(base(out));
  const events: ReportEvent[] = [];
  const again = await runReport(base(out, { resume: true, onEvent: (e) => events.push(e) }));
  assert.is(events.filter((e) => e.type === 'sample').length, 0);
  assert.equal(again.images.map(numbers), fresh.images.map(numbers));
  const changed = path.join(images, 'img2.png');
  const original = readFileSync(changed);
  writeFileSync(changed, buildPng({ width: 12, height: 8, colorType: 0 }));
  try {
    const redo: ReportEvent[] = [];
    await runReport(base(out, { resume: true, onEvent: (e) => redo.push(e) }));
    const sampledFiles = new Set(redo.filter((e) => e.type === 'sample').map((e) => path.basename((e as { file: string }).file)));
    assert.equal([...sampledFiles], ['img2.png']);
  } finally {
    writeFileSync(changed, original);
  }
});

test('--resume re-uses an image whose place in the listing moved (a file added before it)', async () => {
  const out = tempDir();
  await runReport(base(out));
  const added = path.join(images, 'a-first.png');
  writeFileSync(added, buildPng({ width: 9, height: 8 }));
  writeFileSync(path.join(labels, 'a-first.png'), buildPng({ width: 9, height: 8, colorType: 0, samples: Array.from({ length: 72 }, (_, i) => i % 3) }));
  try {
    const events: ReportEvent[] = [];
    const moved = await runReport(base(out, { resume: true, onEvent: (e) => events.push(e) }));
    const sampledFiles = new Set(events.filter((e) => e.type === 'sample').map((e) => path.basename((e as { file: string }).file)));
    assert.equal([...sampledFiles], ['a-first.png'], 'only the new image is sampled');
    assert.is(moved.images.length, 7);
    assert.equal(moved.images.slice(1).map(numbers), fresh.images.map(numbers), 'the moved entries keep their numbers and folders');
    assert.is(new Set(moved.images.map((i) => i.id)).size, 7, 'no two images share a folder');
  } finally {
    rmSync(added);
    rmSync(path.join(labels, 'a-first.png'));
  }
});

test('--resume refuses a summary made with other settings, naming them', async () => {
  const out = tempDir();
  await runReport(base(out));
  const err = await rejects(() => runReport(base(out, { resume: true, samples: 4 })), /^--resume \/.*summary\.json: was made with other settings \(samples 3, now 4\); rerun with the same settings or use another --out$/);
  assert.instance(err, FileError);
  assert.is((err as FileError).file, path.join(out, 'summary.json'));
  assert.is((err as FileError).flag, '--resume');
  assert.ok((err as FileError).reason.startsWith('was made with other settings'), 'the reason carries no file name');
  await rejects(() => runReport(base(out, { resume: true, seed: 6 })), /seed 5, now 6/);
  await rejects(() => runReport(base(out, { resume: true, dropoutRate: 0.3 })), /dropoutPoints/);
  writeFileSync(path.join(out, 'summary.json'), '{"trunc');
  await rejects(() => runReport(base(out, { resume: true })), /^--resume \/.*summary\.json: is not readable JSON \(/);
});

test('images: false writes no per-image files, gives the same numbers, and --resume with images redoes them', async () => {
  const out = tempDir();
  const bare = await runReport(base(out, { images: false }));
  assert.equal(readdirSync(out).filter((f) => f === 'images'), [], 'no images folder');
  assert.ok(bare.images.every((i) => i.outputs === undefined && i.ranges === undefined));
  const withoutFiles = (i: ReportImage): unknown => ({ ...i, ms: 0, outputs: undefined, ranges: undefined });
  assert.equal(bare.images.map(withoutFiles), fresh.images.map(withoutFiles));
  assert.equal(bare.metrics, fresh.metrics);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.not.match(html, /<section id=/, 'no per-image sections');
  const resumedWithout = await runReport(base(out, { images: false, resume: true }));
  assert.equal(resumedWithout.images.map((i) => i.ms), bare.images.map((i) => i.ms), 'numbers-only entries are re-used');
  const withImages = await runReport(base(out, { resume: true }));
  assert.ok(withImages.images.every((i) => i.outputs !== undefined), 'entries without files are sampled again');
  assert.equal(withImages.images.map(numbers), fresh.images.map(numbers));
});

test('resumeStep: re-uses a listed image whose bytes and files match; not a changed, new or file-less one; refuses other settings', () => {
  const out = tempDir();
  const settings = { model: { path: 'm', sha256: 'a' }, card: { path: 'c', sha256: 'b' }, samples: 3, seed: 1, temperature: 1, dropoutPoints: [], device: 'cpu',
    labels: null, ignoreIndex: null } as ReportSettings;
  const bytes = Buffer.from('photo bytes');
  const entry = { id: '00000-a.png', file: '/in/a.png', sha256: createHash('sha256').update(bytes).digest('hex'), outputs: { photo: 'images/00000-a.png/photo.png' } };
  mkdirSync(path.join(out, 'images', entry.id), { recursive: true });
  writeFileSync(path.join(out, entry.outputs.photo), 'png');
  writeFileSync(path.join(out, 'summary.json'), JSON.stringify({ images: [entry], settings }));
  const reuse = resumeStep(out, settings, ['/in/a.png', '/in/b.png'], { labelled: false, images: true });
  assert.equal(reuse('/in/a.png', 0, bytes), entry);
  assert.is(reuse('/in/a.png', 0, Buffer.from('other bytes')), undefined, 'content changed');
  assert.is(reuse('/in/b.png', 1, bytes), undefined, 'not in the earlier run');
  assert.is(resumeStep(out, settings, ['/in/a.png'], { labelled: true, images: true })('/in/a.png', 0, bytes), undefined, 'no label counts to re-use');
  rmSync(path.join(out, entry.outputs.photo));
  assert.is(reuse('/in/a.png', 0, bytes), undefined, 'its files are gone');
  assert.throws(() => resumeStep(out, { ...settings, seed: 2 }, [], { labelled: false, images: true }), /other settings \(seed 1, now 2\)/);
});

test.run();
