/** Bad labels through runReport: each is listed in errors with the label file and the cause. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { buildJpeg, buildPng, rejects, tempDir, TINY_CLASSES, tinyModelDir } from './fixtures/report-inputs';

const model = tinyModelDir();
const images = tempDir();
const labels = tempDir();
const W = 10, H = 6;
const grayLabel = (values: (i: number) => number, w = W, h = H): Buffer =>
  buildPng({ width: w, height: h, colorType: 0, samples: Array.from({ length: w * h }, (_, i) => values(i)) });
const rgbLabel = (color: (i: number) => readonly number[]): Buffer =>
  buildPng({ width: W, height: H, colorType: 2, samples: Array.from({ length: W * H }, (_, i) => color(i)).flat() });

const image = buildPng({ width: W, height: H });
for (const name of ['good', 'ignored', 'wrong-size', 'outside', 'rgb', 'rgb-unknown', 'missing', 'jpeg-label']) {
  writeFileSync(path.join(images, `${name}.png`), image);
}
writeFileSync(path.join(labels, 'good.png'), grayLabel((i) => i % 3));
writeFileSync(path.join(labels, 'ignored.png'), grayLabel((i) => (i % 2 ? 255 : 1)));
writeFileSync(path.join(labels, 'wrong-size.png'), grayLabel((i) => i % 3, W + 1, H));
writeFileSync(path.join(labels, 'outside.png'), grayLabel((i) => (i === W + 2 ? 7 : 0)));
writeFileSync(path.join(labels, 'rgb.png'), rgbLabel((i) => TINY_CLASSES[i % 3].color));
writeFileSync(path.join(labels, 'rgb-unknown.png'), rgbLabel((i) => (i === 3 ? [1, 2, 3] : TINY_CLASSES[0].color)));
writeFileSync(path.join(labels, 'jpeg-label.png'), buildJpeg(W, H));

test('labels: good, ignored and RGB labels score; bad ones are listed with the label file and cause', async () => {
  const s = await runReport({ inputs: [images], out: tempDir(), model: model.model, samples: 2, labels });
  assert.is(s.images.length, 8, 'every image still gets its maps');
  const scored = new Set(s.images.filter((i) => i.metrics).map((i) => path.basename(i.file)));
  assert.equal([...scored].sort(), ['good.png', 'ignored.png', 'rgb.png']);
  const errorOf = new Map(s.errors.map((e) => [path.basename(e.file), e]));
  assert.match(errorOf.get('wrong-size.png')?.message ?? '', /label is 11x6, its image is 10x6/);
  assert.is(errorOf.get('wrong-size.png')?.file, path.join(labels, 'wrong-size.png'));
  assert.match(errorOf.get('outside.png')?.message ?? '', /label value 7 at pixel \(2, 1\) is not a class \(0\.\.2\) nor the ignore index 255/);
  assert.match(errorOf.get('rgb-unknown.png')?.message ?? '', /label colour \(1, 2, 3\) at pixel \(3, 0\) matches no class colour/);
  assert.match(errorOf.get('jpeg-label.png')?.message ?? '', /label is a JPEG/);
  assert.match(errorOf.get('missing.png')?.message ?? '', /no label named like it in/);
  assert.is(errorOf.get('missing.png')?.file, path.join(images, 'missing.png'));
  assert.is(s.errors.length, 5);
  assert.ok(s.metrics, 'run metrics over the scored images');
  const ignored = s.images.find((i) => i.file.endsWith('ignored.png'));
  const counted = (ignored?.metrics?.confusion ?? []).reduce((a, b) => a + b, 0);
  assert.is(counted, W * H / 2, 'ignore-index pixels are not counted');
});

test('labels: a missing --labels folder is a usage error naming it', async () => {
  await rejects(() => runReport({ inputs: [images], out: tempDir(), model: model.model, samples: 1, labels: path.join(labels, 'nope') }),
    /--labels .*nope: no such folder/);
  const file = path.join(labels, 'good.png');
  await rejects(() => runReport({ inputs: [images], out: tempDir(), model: model.model, samples: 1, labels: file }), /--labels .*: not a folder/);
});

test('labels: a value outside the classes without an ignore index says so', async () => {
  const noIgnore = tinyModelDir({ card: { ignoreIndex: undefined } });
  const dir = tempDir();
  mkdirSync(path.join(dir, 'l'));
  writeFileSync(path.join(dir, 'x.png'), image);
  writeFileSync(path.join(dir, 'l', 'x.png'), grayLabel(() => 255));
  const s = await runReport({ inputs: [path.join(dir, 'x.png')], out: tempDir(), model: noIgnore.model, samples: 1, labels: path.join(dir, 'l') });
  assert.match(s.errors[0].message, /label value 255 at pixel \(0, 0\) is not a class \(0\.\.2\) and there is no ignore index/);
});

test.run();
