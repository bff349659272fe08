/** lib/shard/spec: --shard i/n and the batch systems' variables. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseShard, resolveShard } from '../lib/shard/spec';

const pick = (s: ReturnType<typeof resolveShard>): [number, number] | null => (s ? [s.index, s.count] : null);

test('--shard i/n is 0-based and wins over the environment', () => {
  assert.equal(pick(parseShard('0/4')), [0, 4]);
  assert.equal(pick(parseShard(' 3 / 4 ')), [3, 4]);
  assert.equal(pick(resolveShard({ shard: '1/2' }, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })), [1, 2]);
  assert.is(resolveShard({}, {}), null);
  assert.is(resolveShard({ shards: undefined, ignoreEnv: true }, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4' }), null);
});

test('a Slurm array task: TASK_ID with TASK_COUNT, or MIN/MAX (and STEP)', () => {
  assert.equal(pick(resolveShard({}, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })), [2, 4]);
  // --array=1-4: ids start at 1
  assert.equal(pick(resolveShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' })), [0, 4]);
  assert.equal(pick(resolveShard({}, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4', SLURM_ARRAY_TASK_COUNT: '4' })), [3, 4]);
  // --array=0-6:2 -> 0, 2, 4, 6
  assert.equal(pick(resolveShard({}, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '6', SLURM_ARRAY_TASK_STEP: '2' })), [2, 4]);
  assert.is(resolveShard({}, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })?.source.startsWith('SLURM_ARRAY_TASK_ID 2'), true);
});

test('a Kubernetes Indexed Job: JOB_COMPLETION_INDEX with --shards or SHARD_COUNT', () => {
  assert.equal(pick(resolveShard({ shards: 8 }, { JOB_COMPLETION_INDEX: '5' })), [5, 8]);
  assert.equal(pick(resolveShard({}, { JOB_COMPLETION_INDEX: '0', SHARD_COUNT: '3' })), [0, 3]);
  assert.throws(() => resolveShard({}, { JOB_COMPLETION_INDEX: '0' }), /JOB_COMPLETION_INDEX is set .* --shards N/);
});

test('CI matrices and parallel jobs', () => {
  assert.equal(pick(resolveShard({}, { SHARD_INDEX: '1', SHARD_COUNT: '3' })), [1, 3]);
  assert.equal(pick(resolveShard({}, { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' })), [0, 3], 'GitLab counts from 1');
  assert.equal(pick(resolveShard({}, { CIRCLE_NODE_INDEX: '2', CIRCLE_NODE_TOTAL: '3' })), [2, 3]);
  assert.equal(pick(resolveShard({}, { BUILDKITE_PARALLEL_JOB: '0', BUILDKITE_PARALLEL_JOB_COUNT: '2' })), [0, 2]);
});

test('EXPECTED FAILURE: bad specs and variables name the flag or variable', () => {
  assert.throws(() => parseShard('4/4'), /shard index 4 is not below the shard count 4 \(indices are 0-based\)/);
  assert.throws(() => parseShard('1'), /--shard must be INDEX\/COUNT/);
  assert.throws(() => parseShard('-1/4'), /--shard must be INDEX\/COUNT/);
  assert.throws(() => parseShard('0/0'), /^--shard: the shard count must be an integer in 1\.\.1000000, got 0$/);
  assert.throws(() => resolveShard({ shards: 0 }), /^--shards must be an integer >= 1, got 0$/);
  assert.throws(() => resolveShard({ shard: '0/4', shards: 3 }), /--shards 3 differs from --shard 0\/4/);
  assert.throws(() => resolveShard({ shards: 4 }, {}), /--shards needs a shard index/);
  assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '4' }), /^SLURM_ARRAY_TASK_ID must be an integer >= 0, got 'x'$/);
  assert.throws(() => resolveShard({}, { SHARD_INDEX: '1e1', SHARD_COUNT: '20' }), /^SHARD_INDEX must be an integer >= 0, got '1e1'$/);
  assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0' }), /index 7 is not below the shard count 3/);
  assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '3' }), /neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX/);
  assert.throws(() => resolveShard({ shards: 5 }, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4' }), /--shards 5 differs from the Slurm array's 4 tasks/);
  assert.throws(() => resolveShard({}, { CI_NODE_INDEX: '0', CI_NODE_TOTAL: '2' }), /CI_NODE_INDEX 0 is below 1/);
  assert.throws(() => resolveShard({}, { SHARD_INDEX: '0' }), /SHARD_INDEX is set but not SHARD_COUNT/);
});

test.run();
