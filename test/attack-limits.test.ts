/**
 * Ranges that invited trouble (issue 20, finding 8): --samples is capped (--samples-limit raises it),
 * a stop waits for one chunk, not the image, and a card may name the colour of its ignore index so
 * CamVid-style RGB labels with black void pixels work.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { encodePng } from '../lib/image';
import { buildJpeg, tempDir, TINY_CLASSES, tinyModelDir } from './fixtures/report-inputs';

const model = tinyModelDir();

test('a stop mid-image ends the sampling after the current chunk; summary.json is still written', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(32, 24, 1));
  writeFileSync(path.join(dir, 'b.jpg'), buildJpeg(32, 24, 2));
  const stop = new AbortController();
  let after = 0;
  const summary = await runReport({
    inputs: [dir], out: tempDir(), samples: 4000, batch: 1, model: model.model, card: model.card, signal: stop.signal,
    onEvent: (e) => {
      if (e.type !== 'sample') return;
      if (stop.signal.aborted) after++;
      else if (e.done >= 3) stop.abort();
    },
  });
  assert.is(after, 0, `${after} chunks ran after the stop`);
  assert.is(summary.complete, false);
  assert.equal(summary.images, [], 'the unfinished image is left out');
  assert.equal(summary.errors, [], 'a stop is not an error');
});

test('--samples above 10000 is refused before any work, naming --samples-limit; the limit raises it', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(16, 12, 1));
  const base = { inputs: [dir], model: model.model, card: model.card };
  const t0 = performance.now();
  let message = '';
  try {
    await runReport({ ...base, out: tempDir(), samples: 100000 });
  } catch (err) {
    message = (err as Error).message;
  }
  assert.match(message, /--samples 100000 is above the limit of 10000 samples per image .*--samples-limit 100000/);
  assert.ok(performance.now() - t0 < 5000);
  const raised = await runReport({ ...base, out: tempDir(), samples: 12, samplesLimit: 12 });
  assert.is(raised.images.length, 1);
  await runReport({ ...base, out: tempDir(), samples: 13, samplesLimit: 12 }).then(() => assert.unreachable('13 > 12'), (e: Error) => assert.match(e.message, /--samples 13 is above the limit of 12/));
});

test('RGB labels with black void pixels: refused without ignoreColor, scored (void ignored) with it', async () => {
  const dir = tempDir(), labels = tempDir();
  writeFileSync(path.join(dir, 'a.jpg'), buildJpeg(16, 12, 1));
  const data = new Uint8Array(16 * 12 * 3);
  for (let i = 0; i < 16 * 12; i++) data.set(i % 4 === 0 ? [0, 0, 0] : TINY_CLASSES[i % 3].color, i * 3);
  writeFileSync(path.join(labels, 'a.png'), encodePng({ width: 16, height: 12, data }));
  const plain = await runReport({ inputs: [dir], out: tempDir(), samples: 2, model: model.model, card: model.card, labels });
  assert.match(plain.errors[0]?.message ?? '', /label colour \(0, 0, 0\) at pixel \(0, 0\) matches no class colour/);
  const voidCard = tinyModelDir({ card: { ignoreColor: [0, 0, 0], ignoreIndex: 255 } });
  const scored = await runReport({ inputs: [dir], out: tempDir(), samples: 2, model: voidCard.model, card: voidCard.card, labels });
  assert.equal(scored.errors, []);
  const counts = scored.images[0].metrics?.confusion ?? [];
  assert.is(counts.reduce((a, b) => a + b, 0), 16 * 12 - 16 * 12 / 4, 'void pixels are left out of the confusion matrix');
});

test.run();
