/**
 * `segnet-uq merge OUT SHARD_DIRS...` over `--shard` runs: checks that the folders are the
 * disjoint, complete shards of one run (merge-checks), then merges each result they hold:
 * summary.json and index.html, calibration.json and charts, samples.json, audit.json.
 */
import * as path from 'path';
import { insideOutput, writeFileAtomic } from '../atomic';
import { auditExitCode, type AuditResult } from '../audit/result';
import type { CalibrationReport, SamplesResult } from '../report/formats';
import { calibrationSectionHtml } from '../report/calibration-html';
import { escapeHtml, reportHtml } from '../report/html';
import { writeOverview } from '../report/overview';
import { writeColorBar } from '../report/image-outputs';
import type { ReportSummary } from '../report/summary';
import { checkAlike, checkPartition, loadShard, type LoadedShard } from '../shard/merge-checks';
import { auditSettings } from '../shard/merge-audit';
import { auditCalibrationFile } from './audit';
import { foldCalibrations, mergeCalibrations, mergeCard } from '../shard/merge-calibration';
import { mergeSamples } from '../shard/merge-samples';
import { mergeSummaries, readSummary } from '../shard/merge-summary';

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

/** What every merged JSON records about its shards. */
export interface ShardsRecord {
  readonly count: number;
  readonly by: string;
  readonly merged: readonly { readonly index: number; readonly dir: string; readonly images: number }[];
  /** indices of the shards left out (only with allowPartial) */
  readonly missing: readonly number[];
}

export interface ShardMergeResult {
  readonly out: string;
  readonly shards: ShardsRecord;
  readonly summary?: ReportSummary;
  readonly calibration?: CalibrationReport;
  readonly samples?: SamplesResult;
  readonly audit?: AuditResult;
}

function shardsSection(record: ShardsRecord): string {
  const missing = record.missing.length
    ? `<p class="errors">Partial merge: shard${record.missing.length > 1 ? 's' : ''} ${record.missing.join(', ')} of ${record.count} missing; their images are not in these numbers.</p>` : '';
  return `<h2>Shards (${record.merged.length} of ${record.count}, assigned by ${escapeHtml(record.by)})</h2>${missing}
<ul>${record.merged.map((s) => `<li>shard ${s.index}: <code>${escapeHtml(s.dir)}</code>, ${s.images} images</li>`).join('')}</ul>`;
}

export function mergeShards(options: ShardMergeOptions): ShardMergeResult {
  const out = path.resolve(options.out);
  const shards: LoadedShard[] = options.inputs.map((dir) => loadShard(path.resolve(dir)));
  checkAlike(shards);
  const missing = checkPartition(shards);
  const { count, by } = shards[0].manifest.shard;
  if (missing.length > 0 && !options.allowPartial) {
    throw new Error(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (${shards.length} of ${count} given); `
      + 'pass every shard folder, or --allow-partial to merge anyway (the outputs then say which are missing)');
  }
  shards.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
  const record: ShardsRecord = {
    count, by, missing,
    merged: shards.map((s) => ({ index: s.manifest.shard.index, dir: s.dir, images: s.manifest.images.length })),
  };
  const has = (file: string): boolean => shards[0].outputs.includes(file);
  if (!has('summary.json') && !has('samples.json')) throw new Error(`${shards[0].dir}: holds no summary.json nor samples.json to merge`);
  const result: { -readonly [K in keyof ShardMergeResult]: ShardMergeResult[K] } = { out, shards: record };
  if (has('samples.json')) result.samples = mergeSamples(shards, out, { shards: record });
  if (has('summary.json')) {
    // everything is read and checked before the first file is written
    const summaries = shards.map((s) => readSummary(s.dir));
    const fold = has('calibration.json') ? foldCalibrations(shards.map((s) => s.dir)) : null;
    const audit = has('audit.json') ? auditSettings(shards) : null;
    const classes = fold?.first.report.classes ?? (summaries.find((s) => s.metrics)?.metrics?.perClass as { class: string }[] | undefined)?.map((c) => c.class) ?? null;
    const card = mergeCard(summaries[0].settings?.card.path ?? '', options.card, classes, path.join(shards[0].dir, 'summary.json'));
    const summary = mergeSummaries(shards, summaries, out, Boolean(options.copy), { shards: record });
    const sections: string[] = [shardsSection(record)];
    writeFileAtomic(insideOutput(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    if (fold) {
      // a partial merge: the missing shards' images were not scored, which an audit must not pass
      const gaps = missing.map((i) => ({ file: `shard ${i}/${count}`, message: 'missing from the merge (--allow-partial): its images are not in these numbers' }));
      result.calibration = mergeCalibrations(fold, out, card, { shards: record, errors: [...fold.errors, ...gaps] } as Partial<CalibrationReport>);
      sections.push(calibrationSectionHtml(result.calibration, card));
      // the gates on the merged numbers, as `audit --from OUT` checks them (slices and worst images need the images)
      if (audit) result.audit = auditCalibrationFile({ from: out, out, gates: audit.gates, failOnWarn: audit.failOnWarn, baseline: audit.baseline ?? undefined });
    }
    writeFileAtomic(insideOutput(out, 'index.html'), reportHtml(summary, card, writeColorBar(out), sections, writeOverview(out, summary)));
    result.summary = summary;
  }
  return result;
}

/** 0 merged and clean; 1 a merged run recorded errors; an audit's code (0, 1 or 2) for audit shards. */
export function mergeExitCode(result: ShardMergeResult): 0 | 1 | 2 {
  if (result.audit) return auditExitCode(result.audit);
  const errors = (result.summary?.errors.length ?? 0) + (result.calibration?.errors.length ?? 0) + (result.samples?.errors.length ?? 0);
  return errors > 0 ? 1 : 0;
}
