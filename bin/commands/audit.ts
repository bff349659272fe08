import type { CommandModule } from 'yargs';
import { auditCalibrationFile, auditExitCode, loadAuditConfig, parseClassIou, runAudit, type AuditResult, type AuditThresholds } from '../../lib/commands/audit';
import type { ReportEvent } from '../../lib/commands/report';
import type { UncertaintyKind } from '../../lib/types';
import { checkNumbers, engineFlags, IMAGES_OPTION, segmenterOptions } from '../flags';
import { progressPrinter } from '../progress';

const NUMERIC = ['min-miou', 'min-global-accuracy', 'max-ece', 'min-pavpu', 'max-ms-per-image'] as const;

/** Flags over the config file: the config gives defaults, each flag given overrides its key. */
function thresholdsOf(argv: Record<string, unknown>): AuditThresholds {
  const base: AuditThresholds = argv.config ? loadAuditConfig(String(argv.config)) : {};
  const flags: Record<string, number> = {};
  const camel: Record<(typeof NUMERIC)[number], keyof AuditThresholds> = {
    'min-miou': 'minMiou', 'min-global-accuracy': 'minGlobalAccuracy', 'max-ece': 'maxEce', 'min-pavpu': 'minPavpu', 'max-ms-per-image': 'maxMsPerImage',
  };
  for (const key of NUMERIC) {
    const v = argv[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new RangeError(`--${key} must be a number, got '${String(v)}'`);
    flags[camel[key]] = v;
  }
  const classIou = { ...(base.minClassIou ?? {}) };
  for (const spec of (argv['min-class-iou'] as string[] | undefined) ?? []) {
    const [name, value] = parseClassIou(String(spec));
    classIou[name] = value;
  }
  return { ...base, ...flags, ...(Object.keys(classIou).length ? { minClassIou: classIou } : {}) };
}

export const auditCommand: CommandModule = {
  command: 'audit [inputs..]',
  describe: 'CI gate: exit 0 when every threshold holds, 1 when one fails, 2 on usage or input errors (audit.json, junit.xml)',
  builder: (y) => engineFlags(y)
    .positional('inputs', { type: 'string', array: true, describe: 'image files or folders' })
    .option('labels', { type: 'string', describe: 'folder of label PNGs named like the images (required with images)' })
    .option('from', { type: 'string', describe: "audit a finished calibrate or merge run's calibration.json (file or folder): no model runs" })
    .option('out', { alias: 'o', type: 'string', default: 'reports/audit', describe: 'output folder (audit.json, junit.xml, calibration report)' })
    .option('images', IMAGES_OPTION)
    .option('config', { type: 'string', describe: 'JSON file of thresholds, keys as the flags ("min-class-iou": {"Road": 0.8})' })
    .option('min-miou', { type: 'number', describe: 'minimum mean IoU (0..1)' })
    .option('min-global-accuracy', { type: 'number', describe: 'minimum global pixel accuracy (0..1)' })
    .option('max-ece', { type: 'number', describe: 'maximum expected calibration error (0..1)' })
    .option('min-pavpu', { type: 'number', describe: 'minimum PAvPU at the balanced threshold (0..1)' })
    .option('pavpu-kind', { choices: ['entropy', 'mutualInformation', 'variance'], default: 'entropy', describe: 'uncertainty for --min-pavpu' })
    .option('max-ms-per-image', { type: 'number', describe: 'maximum mean sampling time per image (ms)' })
    .option('min-class-iou', { type: 'string', array: true, describe: 'CLASS=VALUE minimum IoU of one class (repeatable)' })
    .option('bins', { type: 'number', default: 15, describe: 'equal-width ECE bins' })
    .option('ignore-index', { type: 'number', describe: "label value to ignore [default: the card's]" })
    .option('json', { type: 'boolean', default: false, describe: 'print audit.json to stdout' })
    .check(checkNumbers)
    .check((argv) => {
      const inputs = (argv.inputs as string[] | undefined) ?? [];
      if (argv.from !== undefined && inputs.length > 0) throw new Error('give images to audit or --from, not both');
      if (argv.from === undefined && inputs.length === 0) throw new Error('name the images or folders to audit (or --from calibration.json)');
      if (argv.from === undefined && argv.labels === undefined) throw new Error('Missing required argument: labels');
      return true;
    }),
  handler: async (argv) => {
    const thresholds = thresholdsOf(argv);
    const progress = progressPrinter(process.stderr);
    const result: AuditResult = argv.from !== undefined ? auditCalibrationFile({
      from: String(argv.from), thresholds, pavpuKind: argv['pavpu-kind'] as UncertaintyKind, out: argv.out as string,
    }) : await runAudit({
      ...segmenterOptions(argv),
      inputs: argv.inputs as string[], labels: argv.labels as string, out: argv.out as string, samples: argv.samples as number,
      seed: argv.seed as number, bins: argv.bins as number, ignoreIndex: argv['ignore-index'] as number | undefined,
      recursive: argv.recursive as boolean, images: argv.images as boolean, thresholds, pavpuKind: argv['pavpu-kind'] as UncertaintyKind,
      onEvent: (e: ReportEvent) => progress(e),
    });
    progress({ type: 'done' });
    if (argv.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      for (const c of result.checks) process.stdout.write(`${c.passed ? 'PASS' : 'FAIL'}  ${c.name}  (${c.message})\n`);
      process.stdout.write(`${result.checks.filter((c) => c.passed).length}/${result.checks.length} thresholds hold over ${result.labelledImages} labelled images `
        + `-> ${String(argv.out)}/audit.json, junit.xml\n`);
    }
    for (const e of result.inputErrors) process.stderr.write(`error: ${e.file}: ${e.message}\n`);
    if (result.labelledImages === 0) process.stderr.write('error: no image could be scored against a label\n');
    process.exitCode = auditExitCode(result);
  },
};
