/**
 * `segnet-uq merge OUT SHARD_DIRS...` over `--shard` runs: checks that the folders are the
 * disjoint, complete shards of one run (merge-checks), then merges each result they hold:
 * summary.json and index.html, calibration.json and charts, samples.json, audit.json.
 */
import * as path from 'path';
import { insideOutput, writeFileAtomic } from '../atomic';
import { auditExitCode } from '../audit/result';
import type { AuditResult } from '../report/formats';
import type { CalibrationReport, SamplesResult } from '../report/formats';
import { calibrationSectionHtml } from '../report/calibration-html';
import { writeColorBar } from '../report/image-outputs';
import { writeIndexPage } from '../report/index-page';
import { rankingCsv } from '../report/ranking';
import type { ReportSummary } from '../report/summary';
import { checkAlike, checkComplete, checkPartition, loadShard, type LoadedShard } from '../shard/merge-checks';
import { shardsRecord, shardsSectionHtml, type ShardsRecord } from '../shard/shards-record';
import { auditSettings } from '../shard/merge-audit';
import { auditCalibrationFile } from './audit';
import { foldCalibrations, mergeCalibrations, mergeCard } from '../shard/merge-calibration';
import { mergeSamples } from '../shard/merge-samples';
import type { ConformalFile } from '../conformal/file';
import { mergeConformal } from '../shard/merge-conformal';
import { mergeSummaries, readSummary } from '../shard/merge-summary';
import { mergeShiftResults } from '../shift/merge';
import { mergeAnomaly } from '../shard/merge-anomaly';
import type { AnomalyReport } from '../anomaly/report-file';
import type { ShiftResult } from '../shift/result';
import { summarySchema } from '../report/format-schemas';
import { writeJsonChecked } from '../report/write-checked';

export interface ShardMergeOptions {
  /** the shard folders */
  readonly inputs: readonly string[];
  readonly out: string;
  /** [false] copy each image's maps into OUT instead of linking into the shard folders */
  readonly copy?: boolean;
  /** [false] merge although shards are missing; the outputs say which (`shards.missing`) */
  readonly allowPartial?: boolean;
  /** model card for class names and colours [default: the card the shards recorded] */
  readonly card?: string;
}

export interface ShardMergeResult {
  readonly out: string;
  readonly shards: ShardsRecord;
  readonly summary?: ReportSummary;
  readonly calibration?: CalibrationReport;
  readonly samples?: SamplesResult;
  readonly audit?: AuditResult;
  /** the fit of `segnet-uq conformal` shards */
  readonly conformal?: ConformalFile;
  readonly shift?: ShiftResult;
  /** the anomaly scores of `anomaly` or `audit --anomaly-labels` shards */
  readonly anomaly?: AnomalyReport;
}

export function mergeShards(options: ShardMergeOptions): ShardMergeResult {
  const out = path.resolve(options.out);
  const shards: LoadedShard[] = options.inputs.map((dir) => loadShard(path.resolve(dir)));
  checkAlike(shards);
  const missing = checkPartition(shards);
  checkComplete(shards, missing, Boolean(options.allowPartial));
  shards.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
  const record = shardsRecord(shards, missing);
  const has = (file: string): boolean => shards[0].outputs.includes(file);
  if (!has('summary.json') && !has('samples.json') && !has('shift.json')) throw new Error(`${shards[0].dir}: holds no summary.json, samples.json nor shift.json to merge`);
  const result: { -readonly [K in keyof ShardMergeResult]: ShardMergeResult[K] } = { out, shards: record };
  if (has('shift.json')) {
    const gaps = missing.map((i) => ({ file: `shard ${i}/${record.count}`, message: 'missing from the merge (--allow-partial): its images are not in these numbers' }));
    result.shift = mergeShiftResults(shards.map((s) => s.dir), out, { errors: gaps });
  }
  if (has('samples.json')) result.samples = mergeSamples(shards, out, { shards: record });
  if (has('summary.json')) {
    // everything is read and checked before the first file is written
    const summaries = shards.map((s) => readSummary(s.dir));
    const fold = has('calibration.json') ? foldCalibrations(shards.map((s) => s.dir)) : null;
    const audit = has('audit.json') ? auditSettings(shards) : null;
    const classes = fold?.first.report.classes ?? (summaries.find((s) => s.metrics)?.metrics?.perClass as { class: string }[] | undefined)?.map((c) => c.class) ?? null;
    const card = mergeCard(summaries[0].settings?.card.path ?? '', options.card, classes, path.join(shards[0].dir, 'summary.json'), summaries[0].settings?.card.sha256 ?? null);
    const summary = mergeSummaries(shards, summaries, out, Boolean(options.copy), { shards: record });
    const sections: string[] = [shardsSectionHtml(record)];
    writeJsonChecked(insideOutput(out, 'summary.json'), summary, summarySchema);
    if (summary.ranking) writeFileAtomic(insideOutput(out, 'ranking.csv'), rankingCsv(summary.ranking, summary.images));
    // before the audit's gates: audit --from reads the merged anomaly.json
    if (has('anomaly.json')) {
      const merged = mergeAnomaly(shards, out, summary, summary.images.some((i) => i.outputs !== undefined));
      result.anomaly = merged.report;
      sections.push(merged.section);
    }
    if (fold) {
      // a partial merge: the missing shards' images were not scored, which an audit must not pass
      const gaps = missing.map((i) => ({ file: `shard ${i}/${record.count}`, message: 'missing from the merge (--allow-partial): its images are not in these numbers' }));
      result.calibration = mergeCalibrations(fold, out, card, { shards: record, errors: [...fold.errors, ...gaps] });
      sections.push(calibrationSectionHtml(result.calibration, card));
      // the gates on the merged numbers, as `audit --from OUT` checks them (slices and worst images need the images)
      if (audit) result.audit = auditCalibrationFile({ from: out, out, gates: audit.gates, failOnWarn: audit.failOnWarn, baseline: audit.baseline ?? undefined, ...(audit.minCoverage !== null ? { minCoverage: audit.minCoverage } : {}) });
    }
    if (has('conformal.json')) {
      const gaps = missing.map((i) => ({ file: `shard ${i}/${record.count}`, message: 'missing from the merge (--allow-partial): its images are not in the fit' }));
      result.conformal = mergeConformal(shards, out, gaps);
    }
    writeIndexPage(out, summary, card, writeColorBar(out), sections);
    result.summary = summary;
  }
  return result;
}

/** 0 merged and clean; 1 a merged run recorded errors; an audit's code (0, 1 or 2) for audit shards. */
export function mergeExitCode(result: ShardMergeResult): 0 | 1 | 2 {
  if (result.audit) return auditExitCode(result.audit);
  const errors = (result.summary?.errors.length ?? 0) + (result.calibration?.errors.length ?? 0) + (result.samples?.errors.length ?? 0) + (result.shift?.errors.length ?? 0);
  return errors > 0 ? 1 : 0;
}
