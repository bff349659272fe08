/**
 * examples/slurm/audit.sbatch on a real Slurm cluster (the one-node cluster .ci/slurm-up.sh
 * starts): an array job of 4 tasks over 8 CamVid val images and the merge job after it
 * (--dependency=afterok). The merged calibration.json and audit gates equal one audit over the
 * 8 images. SKIPPED where sbatch, a cluster with an idle node, or the CamVid folder is absent.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GateSpec } from '../lib/audit/gates';
import type { AuditResult } from '../lib/report/formats';
import { runAudit } from '../lib/commands/audit';

const ROOT = path.join(__dirname, '..');
const CAMVID = path.join(ROOT, '..', 'shared', 'datasets', 'camvid');

function why(): string | null {
  if (!existsSync(path.join(CAMVID, 'val'))) return `no CamVid val at ${CAMVID}`;
  const sinfo = spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { encoding: 'utf8' });
  if (sinfo.error) return 'no sinfo/sbatch (slurm-wlm not installed; .ci/run installs it)';
  if (!/^(idle|mixed)/m.test(sinfo.stdout)) return `no idle Slurm node (sinfo: ${(sinfo.stdout + sinfo.stderr).trim() || 'nothing'}; .ci/slurm-up.sh starts one)`;
  return null;
}

const skip = why();
if (skip) {
  console.log(`  slurm-array: SKIPPED (${skip})`);
} else {
  test('audit.sbatch: 4 array tasks and the afterok merge give the numbers of one audit', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'segnet-uq-slurm-'));
    try {
      const images = path.join(tmp, 'images');
      mkdirSync(images);
      for (const f of readdirSync(path.join(CAMVID, 'val')).filter((n) => n.endsWith('.png')).sort().slice(0, 8)) {
        symlinkSync(path.join(CAMVID, 'val', f), path.join(images, f));
      }
      const labels = path.join(CAMVID, 'valannot');
      const out = path.join(tmp, 'out');
      const r = spawnSync('bash', [path.join(ROOT, 'examples', 'slurm', 'audit.sbatch'), images, labels, out, '4'], {
        cwd: ROOT, encoding: 'utf8', timeout: 600_000,
        env: { ...process.env, SEGNET_UQ: `${process.execPath} -r tsx/cjs ${path.join(ROOT, 'bin', 'cli.ts')}`, SAMPLES: '2', SEED: '1', GATES: '--min-miou 0.3', WAIT: '1' },
      });
      const log = (f: string): string => (existsSync(path.join(out, f)) ? readFileSync(path.join(out, f), 'utf8') : '(none)');
      assert.is(r.status, 0, `${r.stdout}\n${r.stderr}\nmerge.log: ${log('merge.log')}\nshard-1.log: ${log('shard-1.log')}`);
      assert.match(r.stdout, /array job \d+: 4 shards/);
      for (let i = 0; i < 4; i++) assert.match(log(`shard-${i}.log`), new RegExp(`shard ${i}/4 \\(from SLURM_ARRAY_TASK_ID ${i}`));
      const merged = path.join(out, 'merged');
      const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
      const gates: GateSpec[] = [{ metric: 'meanIoU', kind: 'min', value: 0.3, relative: false, severity: 'fail' }];
      const whole = await runAudit({ inputs: [images], labels, samples: 2, seed: 1, images: false, gates, out: path.join(tmp, 'whole') });
      const audit = json<AuditResult>(path.join(merged, 'audit.json'));
      assert.equal(json<{ metrics: unknown }>(path.join(merged, 'calibration.json')).metrics, json<{ metrics: unknown }>(path.join(tmp, 'whole', 'calibration.json')).metrics);
      assert.equal(audit.gates, whole.gates);
      assert.is(audit.images, 8);
      assert.is(audit.passed, true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  test.run();
}
