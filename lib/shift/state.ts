/**
 * What a shift run has finished: per condition the statistics of the images done, the images
 * (by content hash) and their errors. An image joins only once every condition has sampled it
 * (its own sinks merge in then), so a run stopped mid-image, or a checkpoint, never holds half an
 * image; `--resume` starts from the checkpoint in OUT/shift.json and skips the images it lists.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { mergeMetricStats } from '../metrics/metric-stats';
import type { MetricStats } from '../metrics/types';
import type { ModelCard } from '../model/types';
import type { ReportError, ReportSettings } from '../report/summary';
import { CalibrationSink } from '../run/calibration-sink';
import { conditionKey, type ShiftCondition } from './conditions';
import { readShiftResult, SHIFT_FILE } from './result';

export interface DoneImage {
  readonly file: string;
  readonly sha256: string;
}

/** What must be equal for a checkpoint's numbers to add up with this run's. */
export function resumeKey(settings: ReportSettings, bins: number, conditions: readonly ShiftCondition[]): string {
  const { model, card, samples, seed, temperature, dropoutPoints, ignoreIndex, tta } = settings;
  return JSON.stringify({ model: model.sha256, card: card.sha256, samples, seed, temperature, dropoutPoints, ignoreIndex, tta: tta ?? null, bins, conditions: conditions.map(conditionKey) });
}

export class ShiftState {
  readonly done: DoneImage[] = [];
  readonly errors: ReportError[] = [];
  private stats: MetricStats[];

  constructor(private readonly card: ModelCard, private readonly conditions: readonly ShiftCondition[], private readonly sinkOptions: { ignoreIndex: number | null; bins: number }) {
    this.stats = conditions.map(() => new CalibrationSink(card, sinkOptions).stats);
  }

  /** Fresh sinks for one image, one per condition. */
  sinks(): CalibrationSink[] {
    return this.conditions.map(() => new CalibrationSink(this.card, this.sinkOptions));
  }

  /** The image's sinks and errors join the totals. */
  commit(image: DoneImage, sinks: readonly CalibrationSink[], errors: readonly ReportError[]): void {
    this.stats = this.stats.map((s, k) => mergeMetricStats(s, sinks[k].stats));
    this.done.push(image);
    this.errors.push(...errors);
  }

  get totals(): readonly MetricStats[] {
    return this.stats;
  }

  /**
   * Starts from OUT/shift.json's checkpoint; throws when it was made with other settings (naming
   * the file). No shift.json: nothing to resume, the run starts afresh.
   */
  resume(out: string, key: string): void {
    const file = path.join(out, SHIFT_FILE);
    if (!existsSync(file)) return;
    const { result, stats } = readShiftResult(file);
    if (!result.settings || !Array.isArray(result.done) || resumeKey(result.settings, result.bins, result.rows) !== key) {
      throw new RangeError(`--resume: ${file} was made with other settings (model, card, samples, seed, temperature, dropout, ignore index, bins or conditions): use another --out, or run without --resume`);
    }
    this.stats = stats;
    this.done.push(...result.done);
    const doneFiles = new Set(result.done.map((d) => d.file));
    this.errors.push(...result.errors.filter((e) => doneFiles.has(e.file)));
  }
}
