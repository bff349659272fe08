/**
 * The training code's ONNX export (models/training/export.py) against PyTorch: with dropout off
 * ONNX Runtime must match torch's eval-mode output (F.max_unpool2d) within 1e-4, the export must
 * keep its six Dropout nodes, and the MC rewrite must make them random. Needs Debian's
 * python3-torch and python3-onnx (installed by .ci/run); elsewhere it says so and skips.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileModel } from '../lib/engine/compile';
import { McSampler } from '../lib/engine/sampler';
import { createSession, ort } from '../lib/engine/session';
import { findDropoutNodes } from '../lib/graph/dropout-rewrite';
import { decodeModel } from '../lib/onnx/model';
import { assertAgree, compareMoments, ortDropoutMoments } from './fixtures/ort-dropout-reference';
import { PYTHON, pythonHas } from './fixtures/python-check';

if (!pythonHas('torch', 'onnx')) {
  console.log('  export-parity: SKIPPED (no /usr/bin/python3 with torch and onnx; .ci/run installs python3-torch python3-onnx)');
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-export-'));
  const onnxPath = path.join(dir, 'model.onnx');
  const refPath = path.join(dir, 'model.ref');
  const H = 64, W = 96;

  test.before(() => {
    execFileSync(PYTHON, ['models/training/export.py', '--random-init', '7', '--height', String(H), '--width', String(W),
      '--out', onnxPath, '--reference', refPath, '--no-card'], { stdio: 'ignore' });
  });
  test.after(() => rmSync(dir, { recursive: true, force: true }));

  test('ONNX Runtime matches torch within 1e-4 with dropout off', async () => {
    const ref = new Float32Array(readFileSync(refPath).buffer.slice(0));
    const x = ref.subarray(0, 3 * H * W);
    const y = ref.subarray(3 * H * W);
    const session = await createSession(readFileSync(onnxPath));
    const out = await session.run({ image: new ort.Tensor('float32', x, [1, 3, H, W]) });
    const logits = out.logits.data as Float32Array;
    assert.is(logits.length, y.length);
    let maxDiff = 0, spread = 0;
    for (let i = 0; i < y.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(logits[i] - y[i]));
      spread = Math.max(spread, Math.abs(y[i] - y[0]));
    }
    assert.ok(spread > 1e-2, `reference output should vary across pixels (spread ${spread})`);
    assert.ok(maxDiff < 1e-4, `max |ORT - torch| = ${maxDiff}`);
    await session.release();
  });

  test('the export keeps six Dropout nodes in training mode, and the MC engine samples them', async () => {
    const model = decodeModel(readFileSync(onnxPath));
    const nodes = findDropoutNodes(model);
    assert.is(nodes.length, 6);
    assert.ok(nodes.every((n) => n.trainingMode && n.ratio === 0.5));
    const compiled = await compileModel(model, { inputDims: [1, 3, H, W], outputKind: 'logits' });
    const sampler = await McSampler.create(compiled);
    const ref = new Float32Array(readFileSync(refPath).buffer.slice(0));
    const input = ref.subarray(0, 3 * H * W);
    const maps = await sampler.sample(input, { samples: 12, seed: 1, imageKey: 1 });
    await sampler.release();
    // the same distribution as the exported graph sampled by stock ORT with its Dropout random
    // (graphOptimizationLevel 'disabled'): per-pixel means and variances within sampling error
    const moments = await ortDropoutMoments(readFileSync(onnxPath), input, [1, 3, H, W], 12);
    // random weights: the probabilities vary little (mean variance ~2e-9), so a lower floor for the test
    assertAgree(compareMoments(maps, moments, 1e-16), 'export.py --random-init 7', { meanT2Max: 1.6, logVarRatio: 0.3 });
  });
}

test.run();
