/**
 * examples/github-actions/sharded-audit.yml: the YAML parses (the `yaml` package); the matrix,
 * SHARD_COUNT and the artifact names agree; and the steps run as written, with the tiny model:
 * each matrix job's audit step with its SHARD_INDEX, the artifacts moved as upload/download would
 * lay them out, then the merge, summary and exit steps (npx is a shim running this checkout's CLI).
 */
import { spawnSync } from 'child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { makeCommandProject } from './fixtures/command-project';

const ROOT = path.resolve(__dirname, '..');
interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
interface Job { needs?: string; env?: Record<string, unknown>; strategy?: { matrix: { shard: number[] } }; steps: Step[] }
const wf = parse(readFileSync(path.join(ROOT, 'examples', 'github-actions', 'sharded-audit.yml'), 'utf8')) as { env: Record<string, string>; jobs: Record<string, Job> };
const { shard, merge } = wf.jobs;
const named = (job: Job, name: string): Step => job.steps.find((s) => s.name === name) as Step;
const uses = (job: Job, action: string): Step => job.steps.find((s) => s.uses?.startsWith(action)) as Step;

test('the matrix, the shard variables and the artifacts agree', () => {
  const n = shard.strategy?.matrix.shard ?? [];
  assert.equal(n, [...n.keys()], 'matrix.shard is 0..n-1');
  assert.is(String(shard.env?.SHARD_COUNT), String(n.length));
  assert.is(shard.env?.SHARD_INDEX, '${{ matrix.shard }}');
  assert.is(uses(shard, 'actions/upload-artifact').with?.name, 'shard-${{ matrix.shard }}');
  assert.is(merge.needs, 'shard');
  assert.equal(uses(merge, 'actions/download-artifact').with, { pattern: 'shard-*', path: 'shards' });
  assert.match(named(merge, 'Post the audit summary').run ?? '', /merged\/summary\.md >> "\$GITHUB_STEP_SUMMARY"/);
});

test('the steps run: 4 shard jobs, the merge gates on the merged numbers and posts summary.md', () => {
  const project = makeCommandProject({ count: 8 });
  const bin = path.join(project.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'npx'), `#!/bin/bash\n[ "$1" = segnet-uq ] || exit 3; shift\nexec "${process.execPath}" -r "${require.resolve('tsx/cjs')}" "${path.join(ROOT, 'bin', 'cli.ts')}" "$@"\n`);
  chmodSync(path.join(bin, 'npx'), 0o755);
  const output = path.join(project.dir, 'github-output');
  const summary = path.join(project.dir, 'step-summary');
  const run = (s: Step, env: Record<string, string>, cwd: string): number | null => {
    const script = (s.run ?? '').replace(/\$\{\{ steps\.merge\.outputs\.exit \}\}/g, () => /exit=(\d+)/.exec(readFileSync(output, 'utf8'))?.[1] ?? 'x');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd, encoding: 'utf8', env: { ...process.env, ...wf.env, ...env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
    });
    assert.ok(r.status === 0 || s.name?.startsWith('Fail'), `${s.name}: ${r.stderr}`);
    return r.status;
  };
  const flags = `--samples 3 --seed 0 --no-images --model ${project.model} --card ${project.card}`;
  const env = { IMAGES: 'images', LABELS: 'labels', AUDIT_FLAGS: flags, GATES: '--min-miou 0.01 --max-ece 0.99' };
  for (const i of shard.strategy?.matrix.shard ?? []) {
    run(named(shard, 'Audit this shard'), { ...env, SHARD_INDEX: String(i), SHARD_COUNT: String(shard.env?.SHARD_COUNT) }, project.dir);
    cpSync(path.join(project.dir, `shard-${i}`), path.join(project.dir, 'runner', 'shards', `shard-${i}`), { recursive: true }); // upload + download
  }
  const runner = path.join(project.dir, 'runner');
  writeFileSync(output, '');
  run(named(merge, 'Merge the shards and check the gates'), env, runner);
  assert.match(readFileSync(output, 'utf8'), /exit=0/);
  assert.ok(existsSync(path.join(runner, 'merged', 'summary.md')));
  run(named(merge, 'Post the audit summary'), env, runner);
  assert.is(readFileSync(summary, 'utf8'), readFileSync(path.join(runner, 'merged', 'summary.md'), 'utf8'));
  const audit = JSON.parse(readFileSync(path.join(runner, 'merged', 'audit.json'), 'utf8')) as { images: number; passed: boolean };
  assert.is(audit.images, 8);
  assert.is(audit.passed, true);
  assert.is(run(named(merge, 'Fail when a gate broke (exit 1) or an input could not be scored (exit 2)'), env, runner), 0);
  project.cleanup();
});

test.run();
