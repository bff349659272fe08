/**
 * serve --conformal: a request that samples as the file was fitted gets the sets (mean set size
 * equal to the library's applySets on the same maps) and a set-size PNG; another sample count
 * gets none and says why; a file fitted on another model is refused at start.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runConformal } from '../lib/commands/conformal';
import { applySets } from '../lib/conformal/apply';
import { readConformalFile } from '../lib/conformal/file';
import { Segmenter } from '../lib/engine/segmenter';
import { FileError } from '../lib/errors';
import { startServer, type RunningServer } from '../lib/server/server';
import type { SegmentResponse } from '../lib/server/types';
import { makeCommandProject } from './fixtures/command-project';
import { rejectsError } from './fixtures/throws';

const project = makeCommandProject({ count: 6 });
const fit = path.join(project.dir, 'fit');
let running: RunningServer;

test.before(async () => {
  await runConformal({ model: project.model, card: project.card, inputs: [project.images], labels: project.labels, alpha: 0.3, samples: 3, seed: 0, out: fit });
  running = await startServer({ model: project.model, card: project.card, port: 0, host: '127.0.0.1', conformal: path.join(fit, 'conformal.json') });
});

const post = async (query: string): Promise<SegmentResponse> => {
  const res = await fetch(`${running.url}api/segment?${query}`, { method: 'POST', body: readFileSync(project.files[0]), headers: { 'Content-Type': 'image/png' } });
  assert.is(res.status, 200, await res.clone().text());
  return (await res.json()) as SegmentResponse;
};

test('samples and seed of the file: the sets, their mean size as applySets gives it, a set-size PNG', async () => {
  const r = await post('samples=3&seed=0');
  assert.ok(r.conformal?.applied, JSON.stringify(r.conformal));
  const seg = await Segmenter.create({ model: project.model, card: project.card });
  try {
    const s = await seg.sample(await seg.prepare(readFileSync(project.files[0]), 'x'), { samples: 3, seed: 0 });
    const want = applySets(readConformalFile(fit).sets, s.maps.meanProbs, s.maps.width, s.maps.height).record.meanSetSize;
    assert.ok(Math.abs((r.conformal?.meanSetSize as number) - want) < 1e-6, `${r.conformal?.meanSetSize} vs ${want}`);
  } finally {
    await seg.release();
  }
  const png = await fetch(new URL(r.links.setSize as string, running.url));
  assert.is(png.status, 200);
  assert.is(png.headers.get('content-type'), 'image/png');
});

test('another sample count: no sets, and the answer says why', async () => {
  const r = await post('samples=2&seed=0');
  assert.is(r.conformal?.applied, false);
  assert.match(r.conformal?.reason ?? '', /fitted with samples=3 and seed=0; this request asked samples=2/);
  assert.is(r.links.setSize, undefined);
});

test('a file fitted on another model is refused at start, naming the difference', async () => {
  const other = path.join(project.dir, 'other.json');
  const c = JSON.parse(readFileSync(path.join(fit, 'conformal.json'), 'utf8'));
  writeFileSync(other, JSON.stringify({ ...c, model: { ...c.model, sha256: 'f'.repeat(64) } }));
  await rejectsError(() => startServer({ model: project.model, card: project.card, port: 0, host: '127.0.0.1', conformal: other }), FileError, /another model/);
});

test.after(async () => {
  await running?.close();
  project.cleanup();
});
test.run();
