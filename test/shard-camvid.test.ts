/**
 * Shards on real images: the shipped model on 6 CamVid val images (N=2), split 4 ways. The
 * command line of the issue (`calibrate ... --shard i/n --out DIR_i`, then `merge OUT DIR_0..`)
 * gives OUT/calibration.json metrics equal (===) to one unsplit calibrate; audit, samples and
 * report shards merge to their unsplit numbers too; two folders holding one image are refused
 * with exit 2, naming it. Without the CamVid folder (../shared/datasets/camvid) it says SKIPPED.
 */
import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { GateSpec } from '../lib/audit/gates';
import { runAudit } from '../lib/commands/audit';
import { runMerge } from '../lib/commands/merge';
import { runReport } from '../lib/commands/report';
import { runSamples } from '../lib/commands/samples';
import { parseShard } from '../lib/shard';

const ROOT = path.join(__dirname, '..');
const CAMVID = path.join(ROOT, '..', 'shared', 'datasets', 'camvid');
const N = 4;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'bin', 'cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: undefined } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

if (!existsSync(path.join(CAMVID, 'val'))) {
  console.log(`  shard-camvid: SKIPPED (no CamVid val at ${CAMVID})`);
} else {
  const tmp = mkdtempSync(path.join(tmpdir(), 'segnet-uq-shard-camvid-'));
  const images = readdirSync(path.join(CAMVID, 'val')).filter((f) => f.endsWith('.png')).sort().slice(0, 6).map((f) => path.join(CAMVID, 'val', f));
  const labels = path.join(CAMVID, 'valannot');
  const dir = (name: string): string => path.join(tmp, name);
  const dirs = (name: string): string[] => Array.from({ length: N }, (_, i) => dir(`${name}-${i}`));
  const base = { inputs: images, labels, samples: 2, seed: 3 };
  const s = suite('shards on CamVid val');
  s.after(() => rmSync(tmp, { recursive: true, force: true }));

  s('calibrate --shard i/4 then merge OUT DIR_0..DIR_3: calibration.json metrics equal one calibrate', () => {
    const common = ['calibrate', ...images, '--labels', labels, '--samples', '2', '--seed', '3', '--no-images'];
    const whole = cli([...common, '--out', dir('cal')]);
    assert.is(whole.status, 0, whole.stderr);
    for (const [i, out] of dirs('cal').entries()) {
      const r = cli([...common, '--shard', `${i}/${N}`, '--out', out]);
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`shard ${i}/${N} \\(from --shard\\)`));
    }
    const m = cli(['merge', dir('cal-merged'), ...dirs('cal')]);
    assert.is(m.status, 0, m.stderr);
    const read = (d: string): { metrics: unknown; stats: unknown } => JSON.parse(readFileSync(path.join(d, 'calibration.json'), 'utf8'));
    assert.equal(read(dir('cal-merged')).metrics, read(dir('cal')).metrics);
    assert.equal(read(dir('cal-merged')).stats, read(dir('cal')).stats);
    // a copy of a shard relabelled as the next one: its images are in two folders
    const k = dirs('cal').findIndex((d) => JSON.parse(readFileSync(path.join(d, 'shard.json'), 'utf8')).images.length > 0);
    cpSync(dirs('cal')[k], dir('twice'), { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir('twice'), 'shard.json'), 'utf8'));
    const next = (k + 1) % N;
    writeFileSync(path.join(dir('twice'), 'shard.json'), JSON.stringify({ ...manifest, shard: { ...manifest.shard, index: next } }));
    const image = manifest.images[0].key as string;
    const bad = cli(['merge', dir('bad'), ...dirs('cal').map((d, i) => (i === next ? dir('twice') : d))]);
    assert.is(bad.status, 2);
    assert.ok(bad.stderr.includes(`${image} is in two shards`), bad.stderr);
  });

  s('audit, samples and report: the 4 shards merged equal one run (all but the timings)', async () => {
    const gate = (metric: string, kind: 'min' | 'max', value: number): GateSpec => ({ metric, kind, value, relative: false, severity: 'fail' });
    const gates = [gate('meanIoU', 'min', 0.3), gate('ece', 'max', 0.2), gate('iou:Road', 'min', 0.5)];
    const whole = await runAudit({ ...base, gates, images: false, out: dir('audit') });
    for (const [i, out] of dirs('audit').entries()) await runAudit({ ...base, gates, images: false, out, shard: parseShard(`${i}/${N}`) });
    const audit = runMerge({ inputs: dirs('audit'), out: dir('audit-merged') });
    assert.equal(audit.audit?.gates, whole.gates);
    assert.equal(audit.audit?.metrics, whole.metrics);
    assert.is(audit.audit?.passed, whole.passed);

    const counts = [1, 2];
    const samples = await runSamples({ ...base, counts, out: dir('samples') });
    for (const [i, out] of dirs('samples').entries()) await runSamples({ ...base, counts, out, shard: parseShard(`${i}/${N}`) });
    const merged = runMerge({ inputs: dirs('samples'), out: dir('samples-merged') }).samples;
    const rows = (r: typeof samples.rows): unknown[] => r.map(({ msPerImage: _ms, ...rest }) => rest);
    assert.equal(rows(merged?.rows ?? []), rows(samples.rows));

    // a folder input (keys relative to it), with the per-image maps the merged page links to
    const folder = dir('val');
    mkdirSync(folder);
    for (const f of images) symlinkSync(f, path.join(folder, path.basename(f)));
    const report = await runReport({ ...base, inputs: [folder], out: dir('report'), samples: 1 });
    for (const [i, out] of dirs('report').entries()) await runReport({ ...base, inputs: [folder], out, samples: 1, shard: parseShard(`${i}/${N}`) });
    const summary = runMerge({ inputs: dirs('report'), out: dir('report-merged') }).summary;
    assert.equal(summary?.metrics, report.metrics);
    const strip = (i: { id: string; ms: number }): unknown => ({ ...i, id: undefined, ms: undefined, outputs: undefined });
    assert.equal(summary?.images.map(strip), report.images.map(strip));
    for (const i of summary?.images ?? []) assert.ok(existsSync(path.join(dir('report-merged'), i.outputs?.overlay as string)), i.file);
  });

  s.run();
}
