/** --tta flip through a whole run: recorded in summary.json, refused on --resume of a run without it, the same numbers again. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport, type ReportOptions } from '../lib/commands/report';
import { buildPng, tempDir, tinyModelDir } from './fixtures/report-inputs';
import { segnetMini } from './fixtures/tiny-models';

const model = tinyModelDir({ bytes: segnetMini(), card: { classes: ['a', 'b', 'c', 'd'].map((name, i) => ({ name, color: [i * 60, 0, 0] })) } });
const images = tempDir();
for (let k = 0; k < 3; k++) writeFileSync(path.join(images, `img${k}.png`), buildPng({ width: 12 + k, height: 8 }));
const base = (out: string, extra: Partial<ReportOptions> = {}): ReportOptions =>
  ({ inputs: [images], out, model: model.model, samples: 4, seed: 2, images: false, ...extra });

test('--tta flip: settings.tta is recorded, the numbers differ from plain MC and repeat exactly with the same seed', async () => {
  const plain = await runReport(base(tempDir()));
  const flip = await runReport(base(tempDir(), { tta: 'flip' }));
  const again = await runReport(base(tempDir(), { tta: 'flip' }));
  assert.is(plain.settings?.tta, undefined);
  assert.is(flip.settings?.tta, 'flip');
  const entropies = (s: typeof plain): number[] => s.images.map((i) => i.meanEntropy);
  assert.equal(entropies(again), entropies(flip));
  assert.not.equal(entropies(flip), entropies(plain));
});

test('--resume refuses a folder sampled with another --tta, naming it', async () => {
  const out = tempDir();
  await runReport(base(out, { tta: 'flip' }));
  try {
    await runReport(base(out, { resume: true }));
    assert.unreachable('resumed across --tta');
  } catch (err) {
    assert.match((err as Error).message, /other settings \(tta "flip", now none\)/);
  }
});

test.run();
