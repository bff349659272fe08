/**
 * models/training/train.py end to end on a tiny synthetic dataset (models/training/check_train.py):
 * --resume is bitwise exact, --swa averages exactly the epochs it names, --select-samples records
 * MC-dropout val scores, --time-budget plans and finishes. Needs Debian's python3-torch (installed by
 * .ci/run); elsewhere it says so and skips.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pythonHas, runPythonCheck } from './fixtures/python-check';

if (!pythonHas('torch')) {
  console.log('  training-train: SKIPPED (no /usr/bin/python3 with torch; .ci/run installs python3-torch)');
} else {
  test('train.py: exact resume, exact weight averaging, MC selection scores, time-budget plan', () => {
    const result = runPythonCheck<{ resumeMaxDiff: number; swaMaxDiff: number; bestHasMc: boolean; plannedEpochs: number }>(
      'models/training/check_train.py');
    assert.is(result.resumeMaxDiff, 0, 'resumed weights equal uninterrupted ones');
    assert.ok(result.swaMaxDiff < 1e-6, `averaged weights: max diff ${result.swaMaxDiff}`);
    assert.ok(result.bestHasMc);
    assert.ok(result.plannedEpochs >= 2);
  });
}

test.run();
