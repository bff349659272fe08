/**
 * `segnet-uq merge`: one calibration.json from several runs over disjoint image sets (CI shards,
 * a dataset scored folder by folder). The statistics in each file are sufficient: merging them
 * gives the numbers one run over every image would, exactly; the charts and an index.html with
 * the calibration section are drawn again from the merged numbers.
 */
import * as path from 'path';
import type { ModelCard } from '../model/types';
import { mergeMetricStats, metricStatsToJSON } from '../metrics/metric-stats';
import { summarizeMetrics } from '../metrics/summary';
import { loadCard } from '../model/card';
import { insideOutput, writeFileAtomic } from '../atomic';
import { calibrationSectionHtml } from '../report/calibration-html';
import { escapeHtml, pageHtml } from '../report/html';
import { readCalibrationReport, writeCalibrationCharts, writeCalibrationReport } from '../report/calibration-files';
import { fileHeader } from '../report/file-header';
import { CALIBRATION_SCHEMA_VERSION, type CalibrationReport } from '../report/formats';

export interface MergeOptions {
  /** calibration.json files (or folders holding one), two or more */
  readonly inputs: readonly string[];
  /** output folder for calibration.json, charts/ and index.html [default: 'reports/merged'] */
  readonly out?: string;
  /** model card for class names and colours [default: the card the first run recorded] */
  readonly card?: string;
}

/** What must agree between runs for their statistics to add up to one run's. */
const SAME: readonly (keyof CalibrationReport)[] = ['samples', 'seed', 'bins', 'ignoreIndex', 'classes'];

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Merges the runs, writes OUT/calibration.json, OUT/charts/*.png and OUT/index.html. */
export function runMerge(options: MergeOptions): CalibrationReport {
  if (!Array.isArray(options.inputs) || options.inputs.length < 2) {
    throw new RangeError(`merge needs two or more calibration.json files, got ${JSON.stringify(options.inputs)}`);
  }
  const runs = options.inputs.map(readCalibrationReport);
  const seen = new Set<string>();
  for (const run of runs) {
    const resolved = path.resolve(run.file);
    if (seen.has(resolved)) throw new RangeError(`${run.file} is given twice: its images would count twice`);
    seen.add(resolved);
  }
  const first = runs[0];
  for (const run of runs.slice(1)) {
    for (const key of SAME) {
      if (!sameValue(run.report[key], first.report[key])) {
        throw new Error(`${run.file}: ${key} ${JSON.stringify(run.report[key])} differs from ${JSON.stringify(first.report[key])} in ${first.file}; `
          + 'only runs made with the same settings can be merged');
      }
    }
    if (run.report.model.name !== first.report.model.name || run.report.model.temperature !== first.report.model.temperature) {
      throw new Error(`${run.file}: model ${run.report.model.name} (temperature ${run.report.model.temperature}) differs from `
        + `${first.report.model.name} (temperature ${first.report.model.temperature}) in ${first.file}`);
    }
  }
  const cardPath = options.card ?? first.report.model.card;
  let card: ModelCard;
  try {
    card = loadCard(cardPath);
  } catch (err) {
    throw new Error(`${(err as Error).message}${options.card ? '' : ` (the card ${first.file} recorded; pass --card)`}`);
  }
  if (!sameValue(card.classes.map((c) => c.name), first.report.classes)) {
    throw new Error(`${cardPath}: its classes ${JSON.stringify(card.classes.map((c) => c.name))} are not the runs' ${JSON.stringify(first.report.classes)}`);
  }
  const stats = runs.slice(1).reduce((acc, run) => mergeMetricStats(acc, run.stats), first.stats);
  const out = path.resolve(options.out ?? path.join('reports', 'merged'));
  const metrics = summarizeMetrics(stats);
  const charts = writeCalibrationCharts(out, metrics, card);
  const merged: CalibrationReport = {
    ...first.report,
    ...fileHeader(CALIBRATION_SCHEMA_VERSION),
    labels: runs.map((r) => r.report.labels).filter((v, i, all) => all.indexOf(v) === i).join(path.delimiter),
    metrics, temperature: null, charts, stats: metricStatsToJSON(stats),
    errors: runs.flatMap((r) => r.report.errors),
    mergedFrom: runs.map((r) => path.resolve(r.file)),
  };
  writeCalibrationReport(out, merged);
  writeFileAtomic(insideOutput(out, 'index.html'), pageHtml('segnet-uq merged calibration', `<h1>segnet-uq calibration, ${runs.length} runs merged</h1>
<ul>${runs.map((r) => `<li><code>${escapeHtml(path.resolve(r.file))}</code>: ${r.stats.images} labelled images</li>`).join('')}</ul>
${calibrationSectionHtml(merged, card)}`));
  return merged;
}
