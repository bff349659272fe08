/**
 * draftCard: what the graph says is filled in, the rest is a placeholder with a note; and the
 * issue's case: a torchvision export (LR-ASPP MobileNetV3, 11 classes, dropout kept in train mode,
 * dynamic batch/height/width) made at test time, its card drafted by the CLI, run unchanged.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { draftCard } from '../lib/commands/draft-card';
import { DRAFT_DEFAULTS } from '../lib/defaults';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { buildPng, tempDir } from './fixtures/report-inputs';
import { identityDropout, maxUnpool, noDropout, segnetMini } from './fixtures/tiny-models';

const ROOT = path.join(__dirname, '..');
const draft = suite('draftCard');

function modelFile(bytes: Uint8Array): string {
  const file = path.join(tempDir(), 'm.onnx');
  writeFileSync(file, bytes);
  return file;
}

draft('static graph: input, output, classes and dropout from the graph', async () => {
  const { card, notes } = await draftCard(modelFile(identityDropout({ classes: 5, height: 8, width: 6 })));
  assert.is(card.input.name, 'image');
  assert.equal([card.input.width, card.input.height, card.input.layout], [6, 8, 'NCHW']);
  assert.is(card.output.name, 'scores');
  assert.is(card.output.kind, 'logits');
  assert.is(card.classes.length, 5);
  assert.equal(card.dropout, { points: ['features'], rate: 0.5 });
  assert.not.ok(notes.some((n) => /dynamic/.test(n)));
  assert.ok(notes.some((n) => /placeholders/.test(n)));
});

draft('no dropout: said so, with the way out', async () => {
  const { card, notes } = await draftCard(modelFile(noDropout()));
  assert.is(card.dropout, undefined);
  assert.ok(notes.some((n) => /no Dropout node.*--dropout-at/.test(n)), notes.join('\n'));
});

draft('segnet-mini: 4 classes, the class count read by running the graph', async () => {
  const { card } = await draftCard(modelFile(segnetMini()));
  assert.is(card.classes.length, 4);
});

draft('not an ONNX file names the file', async () => {
  const file = path.join(tempDir(), 'bad.onnx');
  writeFileSync(file, 'nope');
  try {
    await draftCard(file);
    assert.unreachable('should throw');
  } catch (err) {
    assert.match((err as Error).message, /bad\.onnx/);
  }
});

draft('a graph that cannot batch: drafted card runs, the chunk size falls back to 1 with the reason', async () => {
  const model = modelFile(maxUnpool());
  const { card } = await draftCard(model);
  const cardFile = path.join(path.dirname(model), 'm.json');
  writeFileSync(cardFile, JSON.stringify(card));
  const images = tempDir();
  writeFileSync(path.join(images, 'a.png'), buildPng({ width: 10, height: 9 }));
  const info: string[] = [];
  const summary = await runReport({ inputs: [images], out: tempDir(), model, card: cardFile, samples: 4,
    onEvent: (e) => { if (e.type === 'start') info.push(...(e.info ?? [])); } });
  assert.is(summary.errors.length, 0, JSON.stringify(summary.errors));
  assert.is(summary.batch, 1);
  assert.is(info.length, 1);
  assert.match(info[0], /^batch 1 \(one sample per session run\): the graph cannot take a batch of 8 samples: MaxUnpool node 'unpool'.*cannot be shared by a batch of samples$/);
  // asked for explicitly, a batch the graph cannot take stays an error
  try {
    await runReport({ inputs: [images], out: tempDir(), model, card: cardFile, samples: 4, batch: 4 });
    assert.unreachable('--batch 4 should fail');
  } catch (err) {
    assert.match((err as Error).message, /MaxUnpool node 'unpool'.*use --batch 1/);
  }
});

const torchvision = suite('a torchvision export, card drafted, run unchanged');
const TV = pythonHas('torch', 'torchvision', 'onnx');
if (!TV) console.log('SKIPPED model-draft-card torchvision case: /usr/bin/python3 lacks torch/torchvision/onnx (.ci/run installs them)');
if (TV) {
  torchvision('lraspp_mobilenet_v3_large, 11 classes, dynamic H/W, Dropout in train mode', async () => {
    const dir = tempDir();
    const model = path.join(dir, 'lraspp.onnx');
    const exp = spawnSync(PYTHON, [path.join(ROOT, 'test', 'fixtures', 'export_lraspp.py'), model], { encoding: 'utf8' });
    assert.is(exp.status, 0, exp.stderr.slice(-1500));
    const cli = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'bin', 'cli.ts'), 'card', model], { cwd: ROOT, encoding: 'utf8' });
    assert.is(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /card drafted -> .*lraspp\.json/);
    assert.match(cli.stderr, /note: input 'input' \[batch, 3, height, width\] has a dynamic height and width/);
    const card = JSON.parse(readFileSync(path.join(dir, 'lraspp.json'), 'utf8'));
    assert.is(card.classes.length, 11);
    assert.equal([card.input.name, card.input.width, card.input.height], ['input', DRAFT_DEFAULTS.width, DRAFT_DEFAULTS.height]);
    assert.equal(card.output, { name: 'out', kind: 'logits' });
    assert.is(card.dropout.rate, 0.2);
    assert.is(card.dropout.points.length, 1);
    // a second run refuses to overwrite it
    const again = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'bin', 'cli.ts'), 'card', model], { cwd: ROOT, encoding: 'utf8' });
    assert.is(again.status, 2);
    assert.match(again.stderr, /exists; pass --force/);

    const images = path.join(dir, 'images');
    spawnSync('mkdir', [images]);
    writeFileSync(path.join(images, 'a.png'), buildPng({ width: 64, height: 48 }));
    const summary = await runReport({ inputs: [images], out: path.join(dir, 'report'), model, card: path.join(dir, 'lraspp.json'), samples: 3 });
    assert.is(summary.errors.length, 0, JSON.stringify(summary.errors));
    assert.is(summary.images.length, 1);
    const image = summary.images[0];
    assert.ok(image.meanEntropy > 0 && image.meanEntropy <= Math.log(11) + 1e-6, String(image.meanEntropy));
  });
}

draft.run();
torchvision.run();
