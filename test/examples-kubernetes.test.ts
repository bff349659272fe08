/**
 * examples/kubernetes: every manifest validates against the Kubernetes API schema (the
 * kubernetes-models package's JSON schemas, not ours), the shards Job is an Indexed Job whose
 * completions, SHARD_COUNT and parallelism agree, and the merge Job reads exactly the folders the
 * shard pods write, from the same claim.
 */
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IJob } from 'kubernetes-models/batch/v1/Job';

const DIR = path.join(__dirname, '..', 'examples', 'kubernetes');
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as never, 'batch/v1/Job': Job as never,
};

function manifests(): { file: string; doc: Record<string, unknown> }[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.yaml')).flatMap((file) => parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((d) => {
    assert.equal(d.errors, [], `${file}: YAML errors`);
    return { file, doc: d.toJS() as Record<string, unknown> };
  }));
}

const validate = (doc: Record<string, unknown>): void => {
  const Model = MODELS[`${String(doc.apiVersion)}/${String(doc.kind)}`];
  assert.ok(Model, `no model for ${String(doc.apiVersion)} ${String(doc.kind)}`);
  new Model(doc as never).validate();
};

test('every manifest validates against the Kubernetes schema', () => {
  const all = manifests();
  assert.equal(all.map((m) => m.file).sort(), ['merge-job.yaml', 'pvc.yaml', 'shards-job.yaml']);
  for (const { file, doc } of all) {
    try {
      validate(doc);
    } catch (err) {
      assert.unreachable(`${file}: ${(err as Error).message}`);
    }
  }
});

test('the validator is real: broken manifests are refused', () => {
  const shards = manifests().find((m) => m.file === 'shards-job.yaml')?.doc as unknown as IJob;
  const broken = (change: (j: IJob) => void): IJob => { const j = JSON.parse(JSON.stringify(shards)) as IJob; change(j); return j; };
  assert.throws(() => validate(broken((j) => { (j.spec as unknown as Record<string, unknown>).completions = 'four'; }) as never), /completions/);
  assert.throws(() => validate(broken((j) => { (j.spec?.template.spec?.containers[0] as unknown as Record<string, unknown>).name = 7; }) as never), /name/);
});

test('the Indexed Job and the merge agree: count, index variable, folders and claim', () => {
  const byName = new Map(manifests().map((m) => [(m.doc.metadata as { name: string }).name, m.doc as unknown as IJob]));
  const shards = byName.get('segnet-uq-audit-shards') as IJob;
  const merge = byName.get('segnet-uq-merge') as IJob;
  const spec = shards.spec!;
  assert.is(spec.completionMode, 'Indexed');
  const n = spec.completions as number;
  assert.ok(n > 1 && (spec.parallelism ?? 1) <= n);
  const c = spec.template.spec!.containers[0];
  assert.is(c.env?.find((e) => e.name === 'SHARD_COUNT')?.value, String(n));
  const run = (c.args ?? []).join(' ');
  assert.match(run, /segnet-uq audit .*--out \/data\/out\/shard-\$JOB_COMPLETION_INDEX/);
  assert.not.match(run, /--shard /, 'the index comes from JOB_COMPLETION_INDEX');
  const m = merge.spec!.template.spec!;
  assert.equal(m.containers[0].args, ['merge', '/data/out/merged', ...Array.from({ length: n }, (_, i) => `/data/out/shard-${i}`)]);
  assert.match((m.initContainers?.[0].args ?? []).join(' '), new RegExp(`-ge ${n} \\]`));
  const claim = (j: IJob): string | undefined => j.spec!.template.spec!.volumes?.[0].persistentVolumeClaim?.claimName;
  assert.is(claim(shards), 'segnet-uq-data');
  assert.is(claim(merge), 'segnet-uq-data');
  const pvc = manifests().find((x) => x.doc.kind === 'PersistentVolumeClaim')?.doc as { metadata: { name: string }; spec: { accessModes: string[] } };
  assert.is(pvc.metadata.name, 'segnet-uq-data');
  assert.equal(pvc.spec.accessModes, ['ReadWriteMany']);
});

test.run();
