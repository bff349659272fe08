/**
 * The training loss's Lovasz-softmax term (models/training/train.py) against slow references in
 * models/training/check_lovasz.py: the Lovasz extension from its definition on soft probabilities,
 * and 1 - mIoU on one-hot predictions. Needs Debian's python3-torch (installed by .ci/run);
 * elsewhere it says so and skips.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pythonHas, runPythonCheck } from './fixtures/python-check';

if (!pythonHas('torch')) {
  console.log('  training-lovasz: SKIPPED (no /usr/bin/python3 with torch; .ci/run installs python3-torch)');
} else {
  test('Lovasz-softmax matches its definition and equals 1 - mIoU on one-hot predictions', () => {
    const result = runPythonCheck<{ ok: boolean; maxDiffSoft: number; maxDiffOneHot: number }>('models/training/check_lovasz.py');
    assert.ok(result.maxDiffSoft < 1e-9, `soft max diff ${result.maxDiffSoft}`);
    assert.ok(result.maxDiffOneHot < 1e-9, `one-hot max diff ${result.maxDiffOneHot}`);
  });
}

test.run();
