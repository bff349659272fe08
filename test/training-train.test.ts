/**
 * models/training/train.py end to end on a tiny synthetic dataset (models/training/check_train.py):
 * --resume is bitwise exact, --swa averages exactly the epochs it names, --select-samples records
 * MC-dropout val scores, --time-budget plans and finishes. Needs Debian's python3-torch (installed by
 * .ci/run); elsewhere it says so and skips.
 */
import { spawnSync } from 'child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

if (!hasTorch) {
  console.log('  training-train: SKIPPED (no /usr/bin/python3 with torch; .ci/run installs python3-torch)');
} else {
  test('train.py: exact resume, exact weight averaging, MC selection scores, time-budget plan', () => {
    const run = spawnSync(PYTHON, ['models/training/check_train.py'], { encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    assert.is(run.status, 0, `check_train.py exited ${run.status}: ${line} ${run.stderr.slice(-800)}`);
    const result = JSON.parse(line) as { resumeMaxDiff: number; swaMaxDiff: number; bestHasMc: boolean; plannedEpochs: number };
    assert.is(result.resumeMaxDiff, 0, 'resumed weights equal uninterrupted ones');
    assert.ok(result.swaMaxDiff < 1e-6, `averaged weights: max diff ${result.swaMaxDiff}`);
    assert.ok(result.bestHasMc);
    assert.ok(result.plannedEpochs >= 2);
  });
}

test.run();
