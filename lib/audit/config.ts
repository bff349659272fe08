/**
 * Gates from the command line's legacy thresholds and from an --config JSON file. The file's keys
 * are the flag names: "min-miou": 0.5, "min-class-iou": {"Road": 0.8}, "max-drop": {"meanIoU":
 * 0.01}, "warn-max-rise": {"ece": "10%"}, "max-slice-gap": {"meanIoU": 0.1}, "fail-on-warn": true.
 */
import { AUDIT_DEFAULTS } from '../defaults';
import { GATE_KINDS, gateSpec, parseGateFlag, type GateSpec } from './gates';
import type { GateKind } from '../report/formats';
import { checkNumber } from '../validate';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';

/** The threshold flags segnet-uq had before gates, each a `min` or `max` fail gate; `help` is their --help text. */
export const LEGACY_GATES: Readonly<Record<string, { metric: string; kind: GateKind; help: string }>> = {
  'min-miou': { metric: 'meanIoU', kind: 'min', help: 'minimum mean IoU (0..1)' },
  'min-global-accuracy': { metric: 'globalAccuracy', kind: 'min', help: 'minimum global pixel accuracy (0..1)' },
  'max-ece': { metric: 'ece', kind: 'max', help: 'maximum expected calibration error (0..1)' },
  'min-pavpu': { metric: 'pavpu', kind: 'min', help: 'minimum PAvPU at the balanced threshold (0..1)' },
  'max-ms-per-image': { metric: 'msPerImage', kind: 'max', help: 'maximum mean sampling time per image (ms)' },
};

export const LEGACY_FLAGS = Object.keys(LEGACY_GATES);
export const GATE_FLAGS: readonly string[] = GATE_KINDS.flatMap((k) => [k, `warn-${k}`]);

export interface AuditConfig {
  readonly gates: readonly GateSpec[];
  readonly failOnWarn?: boolean;
}

/** A legacy threshold flag's gate; pavpuKind names the uncertainty of --min-pavpu. */
export function legacyGate(flag: string, value: unknown, pavpuKind: string = AUDIT_DEFAULTS.pavpuKind): GateSpec {
  const legacy = LEGACY_GATES[flag];
  checkNumber(`--${flag}`, value);
  const metric = legacy.metric === 'pavpu' ? `pavpu:${pavpuKind}` : legacy.metric;
  return gateSpec({ metric, kind: legacy.kind, value: value as number, relative: false, severity: 'fail' }, `--${flag}`);
}

/** "Road=0.8" -> the min gate on iou:Road (the last '=' splits, so class names may hold '='). */
export function classIouGate(spec: string): GateSpec {
  const at = spec.lastIndexOf('=');
  if (at <= 0 || spec.slice(at + 1).trim() === '' || !Number.isFinite(Number(spec.slice(at + 1)))) {
    throw new RangeError(`--min-class-iou must be CLASS=VALUE, got '${spec}'`);
  }
  return gateSpec({ metric: `iou:${spec.slice(0, at)}`, kind: 'min', value: Number(spec.slice(at + 1)), relative: false, severity: 'fail' }, '--min-class-iou');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed config object (the JSON file's content); `file` names it in messages. */
export function parseAuditConfig(value: unknown, file: string, pavpuKind: string = AUDIT_DEFAULTS.pavpuKind): AuditConfig {
  if (!isObject(value)) throw new FileError(file, 'audit config must be a JSON object');
  const gates: GateSpec[] = [];
  let failOnWarn: boolean | undefined;
  const known = [...LEGACY_FLAGS, 'min-class-iou', ...GATE_FLAGS, 'fail-on-warn'];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'fail-on-warn') {
      if (typeof v !== 'boolean') throw new FileError(file, '"fail-on-warn" must be true or false');
      failOnWarn = v;
    } else if (Object.hasOwn(LEGACY_GATES, key)) {
      gates.push(withFile(file, () => legacyGate(key, v, pavpuKind)));
    } else if (key === 'min-class-iou' || GATE_FLAGS.includes(key)) {
      if (!isObject(v)) throw new FileError(file, `"${key}" must be an object of METRIC: VALUE`);
      for (const [metric, x] of Object.entries(v)) {
        if (typeof x !== 'number' && typeof x !== 'string') throw new FileError(file, `"${key}" ${metric} must be a number or a "N%" string`);
        gates.push(withFile(file, () => (key === 'min-class-iou' ? classIouGate(`${metric}=${x}`) : parseGateFlag(key, `${metric}=${x}`))));
      }
    } else {
      throw new FileError(file, `unknown key '${key}' (known: ${known.join(', ')})`);
    }
  }
  return { gates, ...(failOnWarn !== undefined ? { failOnWarn } : {}) };
}

function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new FileError(file, (err as Error).message, { cause: err });
  }
}

export function loadAuditConfig(file: string, pavpuKind: string = AUDIT_DEFAULTS.pavpuKind): AuditConfig {
  const parsed = readJsonFile(file, { flag: '--config', limit: 'config' });
  return parseAuditConfig(parsed, file, pavpuKind);
}
