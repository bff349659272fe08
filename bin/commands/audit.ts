import type { Argv, CommandModule } from 'yargs';
import { classIouGate, GATE_FLAGS, LEGACY_FLAGS, LEGACY_GATES, legacyGate, loadAuditConfig } from '../../lib/audit/config';
import { GATE_KINDS, parseGateFlag, verdictOf, type GateSpec } from '../../lib/audit/gates';
import type { GateKind } from '../../lib/report/formats';
import { GROUP_BY, type GroupBy } from '../../lib/audit/slices';
import { UNCERTAINTY_KINDS } from '../../lib/metrics/uncertainty-stats';
import { auditCalibrationFile, auditExitCode, runAudit, type AuditResult } from '../../lib/commands/audit';
import type { ReportEvent } from '../../lib/commands/report';
import { AUDIT_DEFAULTS, DEFAULT_OUT } from '../../lib/defaults';
import { BINS_OPTION, checkNumbers, modelFlags, runFlags, samplesFlags, sampleOptions, IMAGES_OPTION, MAP_SIZE_OPTION, SCALE_OPTION, CONFORMAL_OPTION, segmenterOptions, shardFlags, shardOf, typedFlags } from '../flags';
import { progressPrinter } from '../progress';

/** The config file's gates, then the flags'; a flag replaces the config's gate of the same kind, metric and severity. */
function gatesOf(argv: Record<string, unknown>): { gates: GateSpec[]; failOnWarn: boolean } {
  const pavpuKind = String(argv['pavpu-kind'] ?? AUDIT_DEFAULTS.pavpuKind);
  const config = argv.config ? loadAuditConfig(String(argv.config), pavpuKind) : { gates: [] };
  const flags: GateSpec[] = [];
  for (const key of LEGACY_FLAGS) if (argv[key] !== undefined) flags.push(legacyGate(key, argv[key], pavpuKind));
  for (const spec of (argv['min-class-iou'] as string[] | undefined) ?? []) flags.push(classIouGate(String(spec)));
  for (const key of GATE_FLAGS) for (const spec of (argv[key] as string[] | undefined) ?? []) flags.push(parseGateFlag(key, String(spec)));
  const id = (g: GateSpec): string => `${g.kind} ${g.metric} ${g.severity}`;
  const given = new Set(flags.map(id));
  return { gates: [...config.gates.filter((g) => !given.has(id(g))), ...flags], failOnWarn: Boolean(argv['fail-on-warn'] || config.failOnWarn) };
}

const GATE_HELP: Readonly<Record<GateKind, string>> = {
  min: 'METRIC=X: fail when METRIC < X', max: 'METRIC=X: fail when METRIC > X',
  'max-drop': 'METRIC=X or X%: fail when METRIC fell by more than X (or X% of the baseline) against --baseline',
  'max-rise': 'METRIC=X or X%: fail when METRIC rose by more than X against --baseline (ece, nll, msPerImage, ...)',
  'max-slice-gap': 'METRIC=X: fail when the worst slice is more than X below the whole set',
};

/** The flags only a fresh run reads: with --from no model runs, so each is a usage error rather than silently dropped. */
const FRESH_RUN_FLAGS = [
  'model', 'card', 'device', 'threads', 'batch', 'max-memory', 'dropout-rate', 'dropout-at', 'dropout', 'tta', 'max-pixels',
  'samples', 'tolerance', 'max-samples', 'samples-limit', 'seed', 'recursive', 'shard', 'shards', 'shard-by',
  'labels', 'images', 'map-size', 'scale', 'worst', 'slice-by', 'bins', 'ignore-index', 'conformal', 'shift', 'anomaly-labels',
] as const;

export const auditCommand: CommandModule = {
  command: 'audit [inputs..]',
  describe: 'CI gate, alone or against a baseline run: exit 0 when every fail gate holds, 1 when one breaks, 2 on usage or input errors',
  builder: (y) => {
    // the gate flags are added in a loop, which yargs' option types cannot follow
    let b: Argv = (shardFlags(runFlags(samplesFlags(modelFlags(y)))) as unknown as Argv)
      .positional('inputs', { type: 'string', array: true, describe: 'image files or folders' })
      .option('labels', { type: 'string', describe: 'folder of label PNGs named like the images (required with images)' })
      .option('anomaly-labels', { type: 'string', describe: 'folder of anomaly label PNGs (1 anomaly, 0 inlier, 255 outside): anomaly.json and gates on anomaly.SCORE.METRIC (e.g. --min anomaly.entropy.ap=0.3)' })
      .option('from', { type: 'string', describe: "audit a finished calibrate or merge run's calibration.json (file or folder): no model runs" })
      .option('baseline', { type: 'string', describe: 'an earlier audit or calibrate output folder, or its audit.json / calibration.json' })
      .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT.audit, describe: 'output folder (audit.json, junit.xml, summary.md, audit.html, calibration report)' })
      .option('images', IMAGES_OPTION)
      .option('map-size', MAP_SIZE_OPTION)
    .option('scale', SCALE_OPTION)
      .option('conformal', CONFORMAL_OPTION)
      .option('min-coverage', { type: 'number', describe: 'with --conformal (or --from a run made with it): the coverage its sets must keep on these images (e.g. 0.9), less the finite-sample slack the message states' })
      .option('config', { type: 'string', describe: 'JSON file of gates, keys as the flags ({"max-drop": {"meanIoU": 0.01}, "min-class-iou": {"Road": 0.8}, "fail-on-warn": true})' });
    for (const [flag, { help }] of Object.entries(LEGACY_GATES)) b = b.option(flag, { type: 'number', describe: help });
    b = b.option('pavpu-kind', { choices: UNCERTAINTY_KINDS, default: AUDIT_DEFAULTS.pavpuKind, describe: 'uncertainty for --min-pavpu' })
      .option('min-class-iou', { type: 'string', array: true, describe: 'CLASS=VALUE minimum IoU of one class (repeatable)' });
    for (const kind of GATE_KINDS) {
      b = b.option(kind, { type: 'string', array: true, describe: `${GATE_HELP[kind]} (repeatable)` })
        .option(`warn-${kind}`, { type: 'string', array: true, describe: `as --${kind}, a warning: exit 0 unless --fail-on-warn` });
    }
    return b
      .option('fail-on-warn', { type: 'boolean', default: false, describe: 'a broken warn gate fails the audit (exit 1)' })
      .option('single-file', { type: 'boolean', default: false, describe: 'audit.html with its thumbnails inlined: one file that opens offline' })
      .option('worst', { type: 'number', default: AUDIT_DEFAULTS.worst, describe: 'images per worst-images list' })
      .option('slice-by', { choices: GROUP_BY, default: AUDIT_DEFAULTS.sliceBy, describe: "slices beside the property terciles: file-name prefix (up to '_'), folder" })
      .option('bins', BINS_OPTION)
      .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
      .option('shift', { type: 'string', array: true, describe: 'comma-separated corruptions to run after the clean images (OUT/shift/, as segnet-uq shift) for gates such as --max shift.gaussian-noise.3.ece=0.05, at the severities the gates name' })
      .option('json', { type: 'boolean', default: false, describe: 'print audit.json to stdout' })
      .check(checkNumbers)
      .check((argv) => {
        const inputs = (argv.inputs as string[] | undefined) ?? [];
        if (argv.from !== undefined && inputs.length > 0) throw new Error('give images to audit or --from, not both');
        if (argv.from === undefined && inputs.length === 0) throw new Error('name the images or folders to audit (or --from calibration.json)');
        if (argv.from === undefined && argv.labels === undefined) throw new Error('Missing required argument: labels');
        const fresh = argv.from === undefined ? [] : typedFlags(FRESH_RUN_FLAGS);
        if (fresh.length > 0) throw new Error(`audit --from does not take ${fresh.map((f) => `--${f}`).join(', ')} (no model runs: only a fresh run reads ${fresh.length > 1 ? 'them' : 'it'})`);
        return true;
      });
  },
  handler: async (argv) => {
    const { gates, failOnWarn } = gatesOf(argv);
    const common = {
      gates, failOnWarn, baseline: argv.baseline as string | undefined, strict: argv.strict as boolean, singleFile: argv['single-file'] as boolean,
    };
    const shard = argv.from === undefined ? shardOf(argv) : null;
    const progress = progressPrinter(process.stderr, { quiet: argv.quiet as boolean });
    const result: AuditResult = argv.from !== undefined ? auditCalibrationFile({ ...common, from: String(argv.from), out: argv.out as string, minCoverage: argv['min-coverage'] as number | undefined, force: argv.force as boolean }) : await runAudit({
      ...segmenterOptions(argv), ...common,
      inputs: argv.inputs as string[], labels: argv.labels as string, out: argv.out as string, ...sampleOptions(argv),
      seed: argv.seed as number, bins: argv.bins as number, ignoreIndex: argv['ignore-index'] as number | undefined,
      recursive: argv.recursive as boolean, force: argv.force as boolean, images: argv.images as boolean, mapSize: argv['map-size'] as number | undefined, scale: argv.scale as 'fixed' | 'image' | undefined, worst: argv.worst as number, sliceBy: argv['slice-by'] as GroupBy,
      conformal: argv.conformal as string | undefined, minCoverage: argv['min-coverage'] as number | undefined, shard, anomalyLabels: argv['anomaly-labels'] as string | undefined, onEvent: (e: ReportEvent) => progress(e),
      shift: argv.shift === undefined ? undefined : (argv.shift as string[]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean),
    });
    progress({ type: 'done' });
    if (argv.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      for (const g of result.gates) process.stdout.write(`${verdictOf(g, failOnWarn).toUpperCase().padEnd(4)}  ${g.name}  (${g.message})\n`);
      process.stdout.write(`${result.gates.filter((g) => g.passed).length}/${result.gates.length} gates hold over ${result.labelledImages} labelled images `
        + `-> ${String(argv.out)}/audit.json, junit.xml, summary.md, audit.html\n`);
    }
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    for (const e of result.inputErrors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    if (result.labelledImages === 0) process.stderr.write('error: no image could be scored against a label\n');
    if (shard) process.stderr.write(`shard ${shard.index}/${shard.count}: the gates are checked on the merged numbers by 'segnet-uq merge'\n`);
    process.exitCode = shard ? 0 : auditExitCode(result); // a shard's errors and gates are the merge's
  },
};
