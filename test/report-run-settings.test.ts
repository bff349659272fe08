import { createHash } from 'crypto';
import { mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Segmenter } from '../lib/engine/segmenter';
import { reportSettings, summaryBase } from '../lib/report/run-settings';

const dir = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-settings-'));
const modelPath = path.join(dir, 'm.onnx'), cardPath = path.join(dir, 'm.json');
writeFileSync(modelPath, 'model bytes');
writeFileSync(cardPath, '{"card": true}');
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The fields of a Segmenter the settings read (its constructor is private: a plain object stands in). */
const fakeSegmenter = (cardTemperature?: number): Segmenter => ({
  modelPath, cardPath,
  card: { name: 'fake', input: { width: 8, height: 6 }, ...(cardTemperature !== undefined ? { temperature: cardTemperature } : {}) },
  compiled: { deterministic: false, points: [{ tensor: 't1', rate: 0.5, maskInput: 'x' }, { tensor: 't2', rate: 0.2, maskInput: 'y' }] },
  sampler: { batch: 4 },
}) as unknown as Segmenter;

const s = suite('run settings');
s('reportSettings: the model and card by content, the sampling, the labels resolved, in summary.json\'s key order', () => {
  const settings = reportSettings(fakeSegmenter(), { samples: 7, seed: 3, device: 'cpu', labels: 'rel/labels', ignoreIndex: 11 });
  assert.is(JSON.stringify(settings), JSON.stringify({
    model: { path: modelPath, sha256: sha('model bytes') }, card: { path: cardPath, sha256: sha('{"card": true}') },
    samples: 7, seed: 3, temperature: 1, dropoutPoints: [{ tensor: 't1', rate: 0.5 }, { tensor: 't2', rate: 0.2 }], device: 'cpu',
    labels: path.resolve('rel/labels'), ignoreIndex: 11,
  }));
});
s('reportSettings: the temperature is --temperature, else the card\'s, else 1; no labels nor ignore index read null', () => {
  assert.is(reportSettings(fakeSegmenter(2), { samples: 1, seed: 0, device: 'cpu', temperature: 0.5 }).temperature, 0.5);
  const fromCard = reportSettings(fakeSegmenter(2), { samples: { auto: { tolerance: 0.05, maxSamples: 50 } } as never, seed: 0, device: 'cuda' });
  assert.is(fromCard.temperature, 2);
  assert.is(fromCard.labels, null);
  assert.is(fromCard.ignoreIndex, null);
});
s('summaryBase: the model fields from the segmenter and the settings, the settings themselves', () => {
  const seg = fakeSegmenter(1.5);
  const settings = reportSettings(seg, { samples: 5, seed: 9, device: 'cpu' });
  const base = summaryBase(seg, settings, ['w']);
  assert.is(JSON.stringify(base), JSON.stringify({
    model: { path: modelPath, name: 'fake', deterministic: false, dropoutPoints: settings.dropoutPoints, inputWidth: 8, inputHeight: 6, temperature: 1.5 },
    samples: 5, seed: 9, batch: 4, device: 'cpu', warnings: ['w'], settings,
  }));
});
s.run();
