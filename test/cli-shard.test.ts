/**
 * The shard flags as a process (bin/flags.ts): the shard comes from the Slurm variables when
 * --shard is absent, --no-shard ignores them, and a bad spec is a usage error (exit 2).
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeCommandProject } from './fixtures/command-project';

const ROOT = path.join(__dirname, '..');
const project = makeCommandProject({ count: 4 });

function report(out: string, extra: string[], env: Record<string, string>): { status: number | null; stderr: string } {
  const args = ['-r', 'tsx/cjs', path.join(ROOT, 'bin', 'cli.ts'), 'report', project.images, '--model', project.model, '--card', project.card,
    '--samples', '2', '--no-images', '--out', out, ...extra];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stderr: r.stderr };
}

test('SLURM_ARRAY_TASK_ID/COUNT pick the shard; --no-shard ignores them; a bad --shard exits 2', () => {
  const slurm = { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' };
  const a = report(path.join(project.dir, 'from-env'), [], slurm);
  assert.is(a.status, 0, a.stderr);
  assert.match(a.stderr, /segnet-uq: shard 1\/2 \(from SLURM_ARRAY_TASK_ID 1/);
  const manifest = JSON.parse(readFileSync(path.join(project.dir, 'from-env', 'shard.json'), 'utf8'));
  assert.equal([manifest.shard.index, manifest.shard.count, manifest.totalImages], [1, 2, 4]);
  const b = report(path.join(project.dir, 'no-shard'), ['--no-shard'], slurm);
  assert.is(b.status, 0, b.stderr);
  assert.not.ok(existsSync(path.join(project.dir, 'no-shard', 'shard.json')));
  assert.is(JSON.parse(readFileSync(path.join(project.dir, 'no-shard', 'summary.json'), 'utf8')).images.length, 4);
  const c = report(path.join(project.dir, 'bad'), ['--shard', '2/2'], {});
  assert.is(c.status, 2);
  assert.match(c.stderr, /--shard: shard index 2 is not below the shard count 2/);
  project.cleanup();
});

test.run();
