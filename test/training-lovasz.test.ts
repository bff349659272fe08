/**
 * The training loss's Lovasz-softmax term (models/training/train.py) against slow references in
 * models/training/check_lovasz.py: the Lovasz extension from its definition on soft probabilities,
 * and 1 - mIoU on one-hot predictions. Needs Debian's python3-torch (installed by .ci/run);
 * elsewhere it says so and skips.
 */
import { spawnSync } from 'child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

if (!hasTorch) {
  console.log('  training-lovasz: SKIPPED (no /usr/bin/python3 with torch; .ci/run installs python3-torch)');
} else {
  test('Lovasz-softmax matches its definition and equals 1 - mIoU on one-hot predictions', () => {
    const run = spawnSync(PYTHON, ['models/training/check_lovasz.py'], { encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    assert.is(run.status, 0, `check_lovasz.py exited ${run.status}: ${line} ${run.stderr.slice(-500)}`);
    const result = JSON.parse(line) as { ok: boolean; maxDiffSoft: number; maxDiffOneHot: number };
    assert.ok(result.maxDiffSoft < 1e-9, `soft max diff ${result.maxDiffSoft}`);
    assert.ok(result.maxDiffOneHot < 1e-9, `one-hot max diff ${result.maxDiffOneHot}`);
  });
}

test.run();
