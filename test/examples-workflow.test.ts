/**
 * examples/github-actions/audit.yml: the YAML parses (the `yaml` package), every step the
 * expressions name exists, and the audit steps run as written here, with the tiny model: npx,
 * npm, git and gh are shims on PATH (npx runs this checkout's CLI; gh records the comment), the
 * workflow's `${{ }}` values are filled in, and each step runs under GitHub's bash -eo pipefail.
 */
import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { makeCommandProject } from './fixtures/command-project';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW = path.join(ROOT, 'examples', 'github-actions', 'audit.yml');

interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> }
interface Workflow { on: Record<string, unknown>; env: Record<string, string>; jobs: Record<string, { if?: string; steps: Step[] }> }

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as Workflow;
const project = makeCommandProject({ count: 3 });
const shims = path.join(project.dir, 'shims');
const ghLog = path.join(project.dir, 'gh.log');

function writeShim(name: string, body: string): void {
  mkdirSync(shims, { recursive: true });
  writeFileSync(path.join(shims, name), `#!/bin/bash\n${body}\n`);
  chmodSync(path.join(shims, name), 0o755);
}
writeShim('npx', `if [ "$1" = segnet-uq ]; then shift; exec "${process.execPath}" -r "${require.resolve('tsx/cjs')}" "${path.join(ROOT, 'bin', 'cli.ts')}" "$@"; fi\necho "unexpected npx $*" >&2; exit 3`);
writeShim('npm', '[ "$1" = ci ] || { echo "unexpected npm $*" >&2; exit 3; }');
writeShim('git', 'if [ "$1 $2" = "worktree add" ]; then mkdir -p "$3"; exit 0; fi\necho "unexpected git $*" >&2; exit 3');
writeShim('gh', `printf '%s\\n' "$*" >> "${ghLog}"; while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cat "$2" >> "${ghLog}"; shift; done`);

const step = (job: string, name: string): Step => {
  const s = workflow.jobs[job].steps.find((x) => x.name === name);
  assert.ok(s, `${job} has a step '${name}'`);
  return s as Step;
};

/** Runs a step's script in the project folder with the workflow's env, `env` over it, and `${{ }}` from `values`. */
function runStep(s: Step, env: Record<string, string>, values: Record<string, string> = {}): { status: number | null; stderr: string } {
  const fill = (text: string): string => text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    assert.ok(expr in values, `a value for \${{ ${expr} }}`);
    return values[expr];
  });
  const stepEnv = Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, fill(String(v))]));
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', fill(s.run as string)], {
    cwd: project.dir, encoding: 'utf8',
    env: { ...process.env, ...workflow.env, ...stepEnv, ...env, PATH: `${shims}:${process.env.PATH}`, GITHUB_WORKSPACE: project.dir },
  });
  return { status: r.status, stderr: r.stderr };
}

const FLAGS = `--samples 3 --seed 0 --no-images --model ${project.model} --card ${project.card}`;
// the workflow's gates, with its CamVid class swapped for one of the tiny model's
const env = { IMAGES: 'images', LABELS: 'labels', AUDIT_FLAGS: FLAGS, GATES: workflow.env.GATES.replace('iou:Pedestrian', 'iou:Tree') };

const wf = suite('examples/github-actions/audit.yml');

wf('parses; triggers, jobs and the step ids its expressions name', () => {
  assert.ok('push' in workflow.on && 'pull_request' in workflow.on);
  assert.match(workflow.env.GATES, /^--max-drop meanIoU=0.01 --max-rise ece=0.005 .*--warn-max-slice-gap meanIoU=0.2$/);
  assert.equal(Object.keys(workflow.jobs), ['baseline', 'pull-request']);
  const text = readFileSync(WORKFLOW, 'utf8');
  const ids = new Set(workflow.jobs['pull-request'].steps.map((s) => s.id).filter(Boolean));
  for (const m of text.matchAll(/steps\.([\w-]+)\./g)) assert.ok(ids.has(m[1]), `step id ${m[1]}`);
  for (const s of Object.values(workflow.jobs).flatMap((j) => j.steps)) {
    assert.ok(Boolean(s.run) !== Boolean(s.uses), `${s.name ?? s.uses}: run or uses`);
    if (s.uses) assert.match(s.uses, /^actions\/[\w-]+(\/[\w-]+)?@v\d+$/);
  }
  // the cache the baseline job saves is the one a pull request restores
  const saved = workflow.jobs.baseline.steps.find((s) => s.uses?.startsWith('actions/cache/save'))?.with as { path: string; key: string };
  const restored = step('pull-request', 'Restore the audit of main').with as { path: string; key: string };
  assert.is(saved.path, restored.path);
  assert.is(saved.key.replace('github.sha', 'SHA'), restored.key.replace('github.event.pull_request.base.sha', 'SHA'));
});

wf('the baseline audit, the fallback audit of the base commit, the PR audit, the comment and the final exit', () => {
  const base = runStep(step('baseline', 'Audit main (the baseline of later pull requests)'), env);
  assert.is(base.status, 0, base.stderr);
  assert.ok(existsSync(path.join(project.dir, 'baseline-audit', 'audit.json')));
  const fallback = runStep(step('pull-request', 'Audit the base commit when no cached audit matches it'), env, { 'github.event.pull_request.base.sha': 'abc123' });
  assert.is(fallback.status, 0, fallback.stderr);
  const output = path.join(project.dir, 'github-output');
  let lastStderr = '';
  const audit = (): string => {
    writeFileSync(output, '');
    const r = runStep(step('pull-request', 'Audit the pull request against main'), { ...env, GITHUB_OUTPUT: output });
    assert.is(r.status, 0, r.stderr);
    lastStderr = r.stderr;
    return /exit=(\d+)/.exec(readFileSync(output, 'utf8'))?.[1] ?? 'none';
  };
  assert.is(audit(), '0', `the same model against itself: ${lastStderr}`);
  assert.ok(existsSync(path.join(project.dir, 'pr-audit', 'audit.html')));
  const post = runStep(step('pull-request', 'Post summary.md on the pull request'), env, { 'github.token': 't', 'github.event.pull_request.number': '7' });
  assert.is(post.status, 0, post.stderr);
  const gh = readFileSync(ghLog, 'utf8');
  assert.match(gh, /^pr comment 7 --edit-last --body-file pr-audit\/summary.md/);
  assert.match(gh, /## segnet-uq audit: (✅|⚠️)/);
  const final = step('pull-request', 'Fail when a fail gate broke (exit 1) or the audit could not run (exit 2)');
  assert.is(runStep(final, env, { 'steps.audit.outputs.exit': '0' }).status, 0);
  // a baseline with a better mIoU: the drop gate breaks, the step records exit 1 and the job fails
  const file = path.join(project.dir, 'baseline-audit', 'audit.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as { metrics: { meanIoU: number } };
  json.metrics.meanIoU += 0.1;
  writeFileSync(file, JSON.stringify(json));
  assert.is(audit(), '1');
  assert.is(runStep(final, env, { 'steps.audit.outputs.exit': '1' }).status, 1);
});

wf.after(() => project.cleanup());
wf.run();
