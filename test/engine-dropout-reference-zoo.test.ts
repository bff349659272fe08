/**
 * The dropout rewrite against stock ONNX Runtime on two torchvision exports we did not write:
 * deeplabv3_mobilenet_v3_large (Dropout 0.5 in the ASPP projection) and fcn_resnet50 (Dropout 0.1
 * in the FCN head), random weights, exported by test/fixtures/dropout_ref_export.py with the
 * Dropout modules in train mode (TrainingMode.PRESERVE, the ratio an input constant). The engine's
 * per-pixel mean and variance must match the ORIGINAL graph run in onnxruntime-node at
 * graphOptimizationLevel 'disabled' (Dropout stays random there) within sampling error
 * (test/fixtures/ort-dropout-reference.ts). Needs /usr/bin/python3 with torch, torchvision and
 * onnx (.ci/run installs them); SKIPPED without.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertAgree, compareMoments, engineMaps, ortDropoutMoments } from './fixtures/ort-dropout-reference';
import { PYTHON, pythonHas } from './fixtures/python-check';

const SIZE = 32, N = 48;
const EXPECTED: Record<string, number[]> = { deeplabv3_mobilenet_v3_large: [0.5], fcn_resnet50: [0.1] };

if (!pythonHas('torch', 'torchvision', 'onnx')) {
  console.log('  engine-dropout-reference-zoo: SKIPPED (no /usr/bin/python3 with torch, torchvision and onnx; .ci/run installs python3-torch python3-torchvision python3-onnx)');
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-dropref-'));
  let models: { model: string; file: string; rates: number[] }[] = [];
  const zoo = suite('dropout rewrite vs unmodified ORT sampling, torchvision zoo');
  zoo.before(() => {
    const run = spawnSync(PYTHON, [path.join(__dirname, 'fixtures', 'dropout_ref_export.py'), dir, String(SIZE)], { encoding: 'utf8', timeout: 120_000 });
    assert.is(run.status, 0, `dropout_ref_export.py: ${run.stderr.slice(-1500)}`);
    models = (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { models: typeof models }).models;
  });
  zoo.after(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of Object.keys(EXPECTED)) {
    zoo(`${name}: engine (N=${N}) and ORT at 'disabled' (${N} runs) agree per pixel in mean and variance`, async () => {
      const m = models.find((x) => x.model === name);
      assert.ok(m, `${name} exported`);
      assert.equal(m.rates, EXPECTED[name], 'the Dropout rates torch has');
      const bytes = readFileSync(m.file);
      const dims = [1, 3, SIZE, SIZE];
      const input = Float32Array.from({ length: 3 * SIZE * SIZE }, (_, i) => Math.sin(i * 0.37) * 1.5);
      const maps = await engineMaps(bytes, input, dims, N, 8);
      const ref = await ortDropoutMoments(bytes, input, dims, N);
      // a few mask elements (2x2 or 4x4 x channels) drive every pixel: statistics as noisy as
      // one element's. Two independent ORT sets of 64 gave mean t^2 0.75-1.7 and |ln ratio| <= 0.24;
      // a rate misread (0.1 as 0.5, or 0.5 as 0.1) moves the ln ratio by 2.2. The |t| > 4 share moves
      // in clusters too (one driving element's tail lifts every pixel it feeds): fcn_resnet50 gave
      // 0.59% with mean t^2 1.51 in a CI run against the unseeded ORT reference, so it gets 3% here;
      // a wrong scale or rate is what mean t^2 and the ln ratio above are for.
      assertAgree(compareMoments(maps, ref), name, { meanT2Max: 4, logVarRatio: 0.75, over4Max: 0.03 });
    });
  }
  zoo.run();
}
