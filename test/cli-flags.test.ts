/**
 * Each command declares exactly its own flags (bin/flags.ts groups, bin/commands/*.ts): --help
 * lists them, a flag of another command is a usage error (exit 2) naming it, before any model
 * loads, and every flag the README shows with a command is one that command takes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli, ROOT } from './fixtures/cli';

const MODEL = ['model', 'card', 'device', 'threads', 'batch', 'max-memory', 'dropout-rate', 'dropout-at', 'dropout', 'strict', 'tta', 'max-pixels'];
const SAMPLES = ['samples', 'tolerance', 'max-samples', 'samples-limit'];
const RUN = ['seed', 'recursive', 'force', 'quiet'];
const SHARD = ['shard', 'shards', 'shard-by'];
const GATES = ['min', 'max', 'max-drop', 'max-rise', 'max-slice-gap'].flatMap((k) => [k, `warn-${k}`]);

/** The flags of each command, --help and --version aside. */
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  report: [...MODEL, ...SAMPLES, ...RUN, ...SHARD, 'out', 'images', 'map-size', 'scale', 'save-maps', 'conformal', 'labels', 'ignore-index', 'json', 'resume', 'rank-by', 'rank-reduction', 'top'],
  calibrate: [...MODEL, ...SAMPLES, ...RUN, ...SHARD, 'labels', 'out', 'images', 'map-size', 'scale', 'save-maps', 'conformal', 'bins', 'ignore-index', 'fit-temperature', 'save-temperature', 'json'],
  conformal: [...MODEL, ...SAMPLES, ...RUN, ...SHARD, 'labels', 'alpha', 'method', 'risk', 'mondrian', 'min-class-images', 'out', 'images', 'map-size', 'save-maps', 'ignore-index', 'json'],
  samples: [...MODEL, ...SAMPLES, ...RUN, ...SHARD, 'counts', 'labels', 'ignore-index', 'bins', 'out', 'json'],
  anomaly: [...MODEL, ...SAMPLES, ...RUN, ...SHARD, 'anomaly-labels', 'out', 'images', 'map-size', 'save-maps', 'min-predicted', 'min-anomaly', 'panel-score', 'json'],
  shift: [...MODEL, ...SAMPLES, ...RUN, ...SHARD, 'labels', 'corruptions', 'severities', 'out', 'bins', 'ignore-index', 'save-images', 'resume', 'json'],
  audit: [...MODEL, ...SAMPLES, ...RUN, ...SHARD, 'labels', 'from', 'baseline', 'out', 'images', 'map-size', 'scale', 'conformal', 'min-coverage', 'config', 'min-miou', 'min-global-accuracy', 'max-ece',
    'min-pavpu', 'pavpu-kind', 'max-ms-per-image', 'min-class-iou', ...GATES, 'fail-on-warn', 'single-file', 'worst', 'slice-by', 'bins', 'ignore-index', 'shift', 'anomaly-labels', 'json'],
  serve: [...MODEL, 'samples', 'port', 'host', 'max-upload', 'concurrency', 'queue', 'max-samples', 'quiet', 'conformal', 'gallery'],
  merge: ['out', 'copy', 'allow-partial', 'card', 'force', 'json'],
  inspect: ['card', 'json', 'tensors', 'dropout-at', 'dropout-rate'],
  card: ['out', 'width', 'height', 'force'],
};

/** The long flags a --help text lists, at its option column ("  -n, --samples", "      --model", or "  --card" when no flag has an alias); wrapped descriptions sit further in. */
const helpFlags = (text: string): string[] => [...text.matchAll(/^ {2}(?:-\w, | {4})?--([\w-]+)/gm)].map((m) => m[1]).filter((f) => f !== 'help' && f !== 'version');

test('--help of each command lists exactly the flags it takes', async () => {
  for (const [command, flags] of Object.entries(FLAGS)) {
    const r = await cli([command, '--help']);
    assert.is(r.code, 0, r.stderr);
    assert.equal(helpFlags(r.stdout).sort(), [...flags].sort(), command);
  }
});

test('a flag the command does not take exits 2 naming the flag (and the command), before any work', async () => {
  const cases: [string[], string][] = [
    [['serve', '--seed', '1'], '--seed'],
    [['serve', '--recursive'], '--recursive'],
    [['serve', '-r'], '-r'],
    [['serve', '--tolerance', '0.1'], '--tolerance'],
    [['serve', '--samples-limit', '5'], '--samples-limit'],
    [['samples', 'images', '-n', '50'], '-n'],
    [['merge', 'out', 'shard-0', '--samples', '5'], '--samples'],
    [['inspect', '--seed', '1'], '--seed'],
    [['card', 'model.onnx', '--samples', '2'], '--samples'],
    [['report', 'images', '--counts', '1,2'], '--counts'],
    [['calibrate', 'images', '--labels', 'labels', '--port', '1'], '--port'],
    [['audit', 'images', '--labels', 'labels', '--min-miou', '0.5', '--fit-temperature'], '--fit-temperature'],
  ];
  for (const [args, flag] of cases) {
    const r = await cli(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`segnet-uq: ${args[0]} does not take ${flag}\n`), `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`Run 'segnet-uq ${args[0]} --help' for usage`));
    assert.is(r.stdout, '');
  }
});

/** audit's flags that still apply with --from (a finished run's calibration.json: no model runs). */
const AUDIT_FROM = ['from', 'baseline', 'out', 'force', 'config', 'min-coverage', 'min-miou', 'min-global-accuracy', 'max-ece', 'min-pavpu', 'pavpu-kind', 'max-ms-per-image', 'min-class-iou',
  ...GATES, 'fail-on-warn', 'single-file', 'strict', 'quiet', 'json'];
/** A value each audit flag parses (choices valid), so the only usage error left is the one under test. */
const VALUE: Readonly<Record<string, string>> = {
  device: 'cpu', dropout: 'mc', tta: 'flip', 'shard-by': 'path', 'slice-by': 'folder', 'pavpu-kind': 'entropy', shard: '1/2', 'max-memory': '1GB',
  'min-class-iou': 'Road=0.5', 'dropout-at': 'x', ...Object.fromEntries(GATES.map((g) => [g, 'meanIoU=0.5'])),
};
const BOOLEAN = new Set(['recursive', 'force', 'images', 'strict', 'fail-on-warn', 'single-file', 'quiet', 'json']);
const typed = (flags: readonly string[]): string[] => flags.flatMap((f) => (BOOLEAN.has(f) ? [`--${f}`] : [`--${f}`, VALUE[f] ?? '3']));

test('audit --from: every flag only a fresh run reads is a usage error naming it; the gate, baseline and output flags still apply', async () => {
  const fresh = FLAGS.audit.filter((f) => !AUDIT_FROM.includes(f));
  const r = await cli(['audit', '--from', 'none', ...typed(fresh)]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^segnet-uq: audit --from does not take --/);
  for (const f of fresh) assert.ok(r.stderr.includes(`--${f},`) || r.stderr.includes(`--${f} (`), `${f}: ${r.stderr}`);
  for (const [args, flag] of [[['-n', '7'], '--samples'], [['--no-images'], '--images'], [['-r'], '--recursive'], [['--mapSize', '64'], '--map-size']] as const) {
    const one = await cli(['audit', '--from', 'none', ...args]);
    assert.is(one.code, 2, one.stderr);
    assert.ok(one.stderr.includes(`audit --from does not take ${flag} (`), `${args.join(' ')}: ${one.stderr}`);
  }
  // past the usage check: the missing file is the error
  const kept = await cli(['audit', '--from', 'none', ...typed(AUDIT_FROM.filter((f) => f !== 'from' && f !== 'config' && f !== 'baseline'))]);
  assert.is(kept.code, 2, kept.stderr);
  assert.not.match(kept.stderr, /does not take/);
  assert.match(kept.stderr, /none.*no such file/);
});

test('report --top and --rank-reduction need --rank-by (exit 2), rather than doing nothing', async () => {
  for (const [args, message] of [[['--top', '3'], '--top needs --rank-by'], [['--rank-reduction', 'max', '--top', '3'], '--rank-reduction and --top need --rank-by']] as const) {
    const r = await cli(['report', 'none', ...args]);
    assert.is(r.code, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`segnet-uq: ${message} (`), r.stderr);
  }
});

test('samples --tolerance / --max-samples without --samples auto: exit 2 from the one check (lib), before any model loads', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'segnet-uq-flags-'));
  try {
    for (const flag of ['--tolerance', '--max-samples']) {
      const r = await cli(['samples', 'none', flag, '2', '--model', path.join(out, 'none.onnx'), '--out', out]);
      assert.is(r.code, 2, r.stderr);
      assert.is(r.stderr, 'segnet-uq: --tolerance and --max-samples need --samples auto\n');
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('every flag the README shows with a command is one the command takes', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const wrong: string[] = [];
  let seen = 0;
  for (const m of readme.matchAll(/segnet-uq (report|calibrate|samples|audit|serve|merge|inspect|card)\b([^`\n]*)/g)) {
    for (const f of m[2].matchAll(/(?:^|\s)--(?:no-)?([a-z][\w-]*)/g)) {
      seen++;
      if (!FLAGS[m[1]].includes(f[1])) wrong.push(`${m[1]} --${f[1]}`);
    }
  }
  assert.ok(seen > 10, `read ${seen} flags`);
  assert.equal(wrong, []);
});

test('the README runs every command one way, npx segnet-uq (a bare segnet-uq is not on PATH after npm ci)', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  // (a command's own output, 'segnet-uq serve: http://...', is not a command line)
  const bare = [...readme.matchAll(/(.{0,4})segnet-uq (report|calibrate|samples|audit|serve|merge|inspect|card)\b(?!:)/g)]
    .filter((m) => !m[1].endsWith('npx ')).map((m) => m[0]);
  assert.ok([...readme.matchAll(/npx segnet-uq (report|calibrate|audit)\b/g)].length > 10);
  assert.equal(bare, []);
});

test.run();
