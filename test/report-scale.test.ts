/**
 * --scale fixed|image (issue 31, friction 12): fixed by default, so two images' maps compare:
 * entropy and mutual information on [0, ln C], the mean class variance on [0, (1 - 1/C) / C] (the
 * largest population variance of probabilities, reached by one-hot samples spread evenly over
 * the classes); 'image' scales MI and variance to each image's max. Every colour bar says which.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { checkRunOptions } from '../lib/run/check-options';
import { buildPng, tempDir, tinyModelDir } from './fixtures/report-inputs';

const model = tinyModelDir();
const images = tempDir();
writeFileSync(path.join(images, 'a.png'), buildPng({ width: 24, height: 16 }));
writeFileSync(path.join(images, 'b.png'), buildPng({ width: 20, height: 16 }));

test('fixed (the default): the same full ranges for every image, and the page says so', async () => {
  const out = tempDir();
  const s = await runReport({ inputs: [images], out, model: model.model, samples: 4 });
  const C = 3;
  // the variance bound: one-hot samples spread evenly, p = 1/C each, population variance p(1 - p) per class
  const oneHot = Array.from({ length: C }, (_, k) => Array.from({ length: C }, (_, c) => (c === k ? 1 : 0)));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bound = mean(Array.from({ length: C }, (_, c) => { const v = oneHot.map((p) => p[c]); const m = mean(v); return mean(v.map((x) => (x - m) ** 2)); }));
  for (const i of s.images) {
    assert.equal(i.ranges?.scale, 'fixed');
    assert.equal(i.ranges?.entropy, [0, Math.log(C)]);
    assert.equal(i.ranges?.mutualInformation, [0, Math.log(C)]);
    assert.ok(Math.abs((i.ranges?.variance[1] ?? 0) - bound) < 1e-15, `${i.ranges?.variance[1]} vs ${bound}`);
  }
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.is(html.match(/fixed: the same for every image/g)?.length, 2 * 4, 'entropy, MI, variance and variation-ratio bars of two images');
  assert.not.match(html, /per image: 0 to this image/);
});

test('--scale image: MI and variance to each image\'s max, entropy still fixed; the bars say per image', async () => {
  const out = tempDir();
  const s = await runReport({ inputs: [images], out, model: model.model, samples: 4, scale: 'image' });
  for (const i of s.images) {
    assert.equal(i.ranges?.scale, 'image');
    assert.equal(i.ranges?.entropy, [0, Math.log(3)]);
    assert.ok((i.ranges?.mutualInformation[1] ?? 9) < Math.log(3));
  }
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.is(html.match(/per image: 0 to this image's max/g)?.length, 2 * 2, 'MI and variance of two images');
});

test('--scale takes fixed or image, else a usage error naming the flag', () => {
  assert.throws(() => checkRunOptions({ scale: 'log' as never }), (e: Error) => e.message === '--scale takes fixed or image, got "log"');
});

test.run();
