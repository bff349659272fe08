/**
 * The long-running commands report progress as report does (issue 31, friction 17): shift,
 * anomaly and conformal print bin/progress.ts's line off a terminal, the same format as report's
 * ('progress: 1/1 images (100%), 0 errors, N ms/image, ETA 0s'), and its bar on a terminal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progressPrinter } from '../bin/progress';
import { cli } from './fixtures/cli';
import { buildPng, tempDir, tinyModelDir } from './fixtures/report-inputs';

const LINE = /^progress: 1\/1 images \(100%\), 0 errors, \d+ ms\/image, ETA 0s$/m;

test('report, shift, anomaly and conformal print the same progress line off a terminal', async () => {
  const { model } = tinyModelDir();
  const dir = tempDir();
  for (const d of ['img', 'lab', 'anom']) mkdirSync(path.join(dir, d));
  writeFileSync(path.join(dir, 'img', 'a.png'), buildPng({ width: 16, height: 12 }));
  writeFileSync(path.join(dir, 'lab', 'a.png'), buildPng({ width: 16, height: 12, colorType: 0, samples: Array.from({ length: 192 }, (_, i) => i % 3) }));
  writeFileSync(path.join(dir, 'anom', 'a.png'), buildPng({ width: 16, height: 12, colorType: 0, samples: Array.from({ length: 192 }, (_, i) => (i % 7 === 0 ? 1 : 0)) }));
  const img = path.join(dir, 'img'), lab = path.join(dir, 'lab');
  const runs: [string, string[]][] = [
    ['report', [img]],
    ['shift', [img, '--labels', lab, '--corruptions', 'gaussian_noise', '--severities', '1']],
    ['anomaly', [img, '--anomaly-labels', path.join(dir, 'anom')]],
    ['conformal', [img, '--labels', lab, '--alpha', '0.5']],
  ];
  for (const [command, args] of runs) {
    const r = await cli([command, ...args, '--model', model, '--samples', '2', '--out', path.join(dir, `out-${command}`)]);
    assert.match(r.stderr, LINE, `${command} (exit ${r.code}): ${r.stderr}`);
  }
});

test('on a terminal: a bar with the ETA, redrawn in place, cleared at the end', () => {
  let text = '';
  const print = progressPrinter({ isTTY: true, write: (s: string) => { text += s; } });
  print({ type: 'start', total: 2, warnings: [] });
  print({ type: 'image', index: 0, file: 'a.png', ok: true });
  assert.match(text, /\r\x1b\[K\[#{15}\.{15}\] 1\/2 images \(50%\), 0 errors, \d+ ms\/image, ETA \d+s/);
  print({ type: 'done' });
  assert.ok(text.endsWith('\r\x1b[K'));
});

test.run();
