/**
 * OUT/audit.json (schema version 2): the gates and everything a later audit needs to use this
 * one as its --baseline (the run's identity, every metric, the mean sampling time, the images by
 * name, the slices), plus the worst images. Version 1 files (checks only) cannot be a baseline.
 */
import type { MetricSummary } from '../metrics/types';
import { AUDIT_KIND, type BaselineComparison, type ImageRecord, type RunIdentity, type SliceRecord } from './baseline';
import { gatesPass, type GateResult } from './gates';
import { sliceKey } from './slices';
import type { WorstEntry, WorstList } from './worst-images';
import type { SamplesSetting } from '../report/summary';

export const AUDIT_SCHEMA_VERSION = 2;

export interface SliceDrift {
  readonly slice: string;
  readonly images: number;
  readonly meanIoU: number | null;
  readonly baselineMeanIoU: number | null;
  readonly meanEntropy: number | null;
  readonly baselineMeanEntropy: number | null;
  readonly meanMutualInformation: number | null;
  readonly baselineMeanMutualInformation: number | null;
}

export interface AuditResult {
  readonly kind: typeof AUDIT_KIND;
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
  /** every fail gate holds (and every warn gate, with failOnWarn) and every input was scored */
  readonly passed: boolean;
  readonly failOnWarn: boolean;
  readonly gates: readonly GateResult[];
  /** images or labels that could not be scored: the audit cannot vouch for the set (exit 2) */
  readonly inputErrors: readonly { readonly file: string; readonly message: string }[];
  /** baseline differences worth knowing (the image set), and other notes */
  readonly warnings: readonly string[];
  readonly images: number;
  readonly labelledImages: number;
  readonly run: RunIdentity;
  readonly metrics: MetricSummary;
  /** mean sampling milliseconds per image; null for audit --from */
  readonly msPerImage: number | null;
  /** the cost of the run: samples per image, summed sampling time */
  readonly cost: { readonly samples: SamplesSetting; readonly totalMs: number | null; readonly msPerImage: number | null };
  readonly baseline: { readonly file: string; readonly kind: string; readonly imageSet: BaselineComparison['imageSet']; readonly metrics: MetricSummary } | null;
  readonly worstImages: Partial<Record<WorstList, WorstEntry[]>>;
  readonly slices: readonly SliceRecord[];
  /** per slice, this run's and the baseline's values (with a baseline audit that recorded slices) */
  readonly sliceDrift: readonly SliceDrift[];
  /** the images by name (what a later audit compares its image set and per-image IoU with) */
  readonly imageRecords: readonly ImageRecord[];
}

/** This run's and the baseline's values per slice, matched by property and tercile or group. */
export function sliceDrift(current: readonly SliceRecord[], baseline: readonly SliceRecord[] | null): SliceDrift[] {
  if (!baseline) return [];
  const before = new Map(baseline.map((s) => [sliceKey(s), s]));
  return current.map((s) => {
    const b = before.get(sliceKey(s));
    const v = (r: SliceRecord | undefined, k: string): number | null => r?.values[k] ?? null;
    return {
      slice: s.name, images: s.images, meanIoU: v(s, 'meanIoU'), baselineMeanIoU: v(b, 'meanIoU'),
      meanEntropy: v(s, 'meanEntropy'), baselineMeanEntropy: v(b, 'meanEntropy'),
      meanMutualInformation: v(s, 'meanMutualInformation'), baselineMeanMutualInformation: v(b, 'meanMutualInformation'),
    };
  });
}

/** 0 every fail gate holds, 1 one is broken, 2 an input could not be scored or nothing was labelled. */
export function auditExitCode(result: Pick<AuditResult, 'inputErrors' | 'labelledImages' | 'gates' | 'failOnWarn'>): 0 | 1 | 2 {
  if (result.inputErrors.length > 0 || result.labelledImages === 0) return 2;
  return gatesPass(result.gates, result.failOnWarn) ? 0 : 1;
}
