/**
 * The --samples auto table of `npm run bench -- --auto`: one nested run per labelled image up to
 * the fixed count (masks are keyed by sample index, so the first n samples of it are what an
 * auto run that stops at n computes), with the stopping checks and the label metrics recorded at
 * every checkpoint. Any stopping rule is then evaluated against the fixed count from the same
 * samples and the same timings (machine load affects both alike):
 * N per image, sampling time auto / fixed, and the metric deltas.
 */
import { appendFileSync, existsSync, readFileSync } from 'fs';
import * as path from 'path';
import type { MetricStats } from '../lib/metrics/types';
import { AUTO_DEFAULTS } from '../lib/defaults';
import { ConvergenceMonitor, MAP_PER_FLIP, type AutoSamples } from '../lib/engine/convergence';
import { imageKeyFromDigest } from '../lib/engine/masks';
import { Segmenter } from '../lib/engine/segmenter';
import { finishMaps } from '../lib/engine/uncertainty-maps';
import { decodeLabel } from '../lib/image/decode-label';
import { labelPathFor } from '../lib/run/inputs';
import { metricInput } from '../lib/run/labels';
import { addImage, createMetricStats, mergeMetricStats, metricStatsFromJSON, metricStatsToJSON, type MetricStatsJSON } from '../lib/metrics/metric-stats';
import { summarizeMetrics } from '../lib/metrics/summary';

export interface CheckpointRecord {
  readonly n: number;
  readonly flipShare: number;
  /** ConvergenceCheck.decidableShare (absent in records made before it) */
  readonly decidableShare?: number;
  readonly entropyChange: number | null;
  readonly miChange: number | null;
  /** sampling time from the image's start to this checkpoint (the recording work excluded) */
  readonly ms: number;
  /** time of the stopping check itself */
  readonly checkMs: number;
  readonly stats: MetricStatsJSON;
}

export interface ImageRecord {
  readonly file: string;
  readonly checkpoints: readonly CheckpointRecord[];
  /** --samples analytic on the same image in the same process: its time and label metrics */
  readonly analytic?: { readonly ms: number; readonly stats: MetricStatsJSON };
}

/** a rule's bounds; `decidable`: judge the decidable share (ties excluded) instead of the flip share */
export type AutoRule = Omit<AutoSamples, 'step'> & { readonly decidable?: boolean };

/** Records every image of `files` into `jsonl` (one line per image; images already there are kept). */
export async function recordAutoRuns(modelPath: string, files: readonly string[], labels: string, fixed: number, step: number,
  seed: number, jsonl: string, log: (s: string) => void): Promise<void> {
  // records from before the analytic mode and the decidable share are made again
  const done = new Set(existsSync(jsonl) ? readRecords(jsonl).filter((r) => r.analytic && r.checkpoints[0]?.decidableShare !== undefined).map((r) => r.file) : []);
  const seg = await Segmenter.create({ model: modelPath });
  const card = seg.card;
  const at: number[] = [];
  for (let n = step; n < fixed; n += step) at.push(n);
  at.push(fixed);
  let analyticWarm = false;
  try {
    for (const file of files) {
      if (done.has(file)) continue;
      const labelFile = labelPathFor(file, labels);
      if (!labelFile) throw new Error(`${file}: no label in ${labels}`);
      const label = decodeLabel(readFileSync(labelFile), { file: labelFile, palette: card.classes.map((c) => c.color) });
      const prepared = await seg.prepare(readFileSync(file), file);
      const monitor = new ConvergenceMonitor({ tolerance: 1e-12, mapTolerance: 1e-12, maxSamples: fixed, minSamples: step, step });
      const checkpoints: CheckpointRecord[] = [];
      let recording = 0;
      const t0 = performance.now();
      await seg.sampler.sample(prepared.input, {
        samples: fixed, seed, imageKey: imageKeyFromDigest(prepared.digest),
        until: {
          at,
          stop: (acc) => {
            const t1 = performance.now();
            monitor.check(acc);
            const t2 = performance.now();
            const c = monitor.checks[monitor.checks.length - 1];
            const maps = finishMaps(acc, card.classes.length, card.input.width, card.input.height, acc.count);
            const stats = createMetricStats({ numClasses: card.classes.length, ignoreIndex: card.ignoreIndex ?? null });
            addImage(stats, metricInput(maps, label).input);
            checkpoints.push({ n: acc.count, flipShare: c.flipShare, decidableShare: c.decidableShare, entropyChange: nullIfNaN(c.entropyChange), miChange: nullIfNaN(c.miChange),
              ms: t1 - t0 - recording, checkMs: t2 - t1, stats: metricStatsToJSON(stats) });
            recording += performance.now() - t1;
            return false;
          },
        },
      });
      // analytic after MC on the same image: the same load; its session was made (and run once) before the first image
      if (!analyticWarm) { await seg.sample(prepared, { samples: 'analytic', seed }); analyticWarm = true; }
      const an = await seg.sample(prepared, { samples: 'analytic', seed });
      const anStats = createMetricStats({ numClasses: card.classes.length, ignoreIndex: card.ignoreIndex ?? null });
      addImage(anStats, metricInput(an.maps, label).input);
      appendFileSync(jsonl, JSON.stringify({ file, checkpoints, analytic: { ms: an.ms, stats: metricStatsToJSON(anStats) } }) + '\n');
      const last = checkpoints[checkpoints.length - 1];
      log(`  ${path.basename(file)}: N=${fixed} ${last.ms.toFixed(0)} ms, flip share ${checkpoints.map((c) => c.flipShare.toFixed(3)).join(' ')}`);
    }
  } finally {
    await seg.release();
  }
}

const nullIfNaN = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The checkpoint at which `rule` stops (the last one when none passes). */
export function stopAt(record: ImageRecord, rule: AutoRule): CheckpointRecord {
  const cps = record.checkpoints.filter((c) => c.n <= rule.maxSamples);
  for (const c of cps) {
    if (c.n < rule.minSamples) continue;
    const settled = (v: number | null): boolean => v !== null && v <= rule.mapTolerance;
    const share = rule.decidable ? c.decidableShare ?? c.flipShare : c.flipShare;
    if (share <= rule.tolerance && settled(c.entropyChange) && settled(c.miChange)) return c;
  }
  return cps[cps.length - 1];
}

export interface AutoRow {
  readonly rule: AutoRule;
  readonly images: number;
  readonly meanN: number;
  readonly minN: number;
  readonly maxN: number;
  readonly timeRatio: number;
  readonly dMeanIoU: number;
  readonly dEce: number;
  readonly dAurocEntropy: number;
  readonly dAurocMi: number;
  readonly fixed: { readonly meanIoU: number; readonly ece: number; readonly aurocEntropy: number; readonly aurocMi: number };
}

function headline(stats: MetricStats): AutoRow['fixed'] {
  const m = summarizeMetrics(stats);
  return { meanIoU: m.meanIoU ?? NaN, ece: m.calibration.ece ?? NaN, aurocEntropy: m.uncertainty.entropy.auroc ?? NaN,
    aurocMi: m.uncertainty.mutualInformation.auroc ?? NaN };
}

function mergeAll(list: readonly MetricStatsJSON[]): MetricStats {
  return list.map((j) => metricStatsFromJSON(j)).reduce((a, b) => mergeMetricStats(a, b));
}

/** Each rule against the fixed count (the last checkpoint of every record). */
export function evaluateRules(records: readonly ImageRecord[], rules: readonly AutoRule[]): AutoRow[] {
  const fixedCp = records.map((r) => r.checkpoints[r.checkpoints.length - 1]);
  const fixed = headline(mergeAll(fixedCp.map((c) => c.stats)));
  const fixedMs = fixedCp.reduce((a, c) => a + c.ms, 0);
  return rules.map((rule) => {
    const picked = records.map((r) => stopAt(r, rule));
    const ns = picked.map((c) => c.n);
    const autoMs = records.reduce((a, r, i) => a + picked[i].ms + r.checkpoints.filter((c) => c.n <= picked[i].n).reduce((s, c) => s + c.checkMs, 0), 0);
    const auto = headline(mergeAll(picked.map((c) => c.stats)));
    return {
      rule, images: records.length, meanN: ns.reduce((a, b) => a + b, 0) / ns.length, minN: Math.min(...ns), maxN: Math.max(...ns),
      timeRatio: autoMs / fixedMs, dMeanIoU: auto.meanIoU - fixed.meanIoU, dEce: auto.ece - fixed.ece,
      dAurocEntropy: auto.aurocEntropy - fixed.aurocEntropy, dAurocMi: auto.aurocMi - fixed.aurocMi, fixed,
    };
  });
}

/** The records of a JSON-lines file, the last one per image. */
export function readRecords(jsonl: string): ImageRecord[] {
  const byFile = new Map<string, ImageRecord>();
  for (const l of readFileSync(jsonl, 'utf8').split('\n').filter(Boolean)) { const r = JSON.parse(l) as ImageRecord; byFile.set(r.file, r); }
  return [...byFile.values()];
}

/** --samples analytic against the fixed count: the same images, its time beside the fixed run's. */
export function evaluateAnalytic(records: readonly ImageRecord[]): AutoRow | null {
  if (records.some((r) => !r.analytic)) return null;
  const fixedCp = records.map((r) => r.checkpoints[r.checkpoints.length - 1]);
  const fixed = headline(mergeAll(fixedCp.map((c) => c.stats)));
  const an = headline(mergeAll(records.map((r) => (r.analytic as { stats: MetricStatsJSON }).stats)));
  const ms = records.reduce((a, r) => a + (r.analytic as { ms: number }).ms, 0);
  return {
    rule: { tolerance: NaN, mapTolerance: NaN, minSamples: 0, maxSamples: 0 }, images: records.length, meanN: 0, minN: 0, maxN: 0,
    timeRatio: ms / fixedCp.reduce((a, c) => a + c.ms, 0), dMeanIoU: an.meanIoU - fixed.meanIoU, dEce: an.ece - fixed.ece,
    dAurocEntropy: an.aurocEntropy - fixed.aurocEntropy, dAurocMi: an.aurocMi - fixed.aurocMi, fixed,
  };
}

/** The markdown table of evaluateRules. */
export function autoTable(rows: readonly AutoRow[], fixedN: number): string {
  const d = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(4);
  const name = (r: AutoRow): string => (Number.isNaN(r.rule.tolerance) ? 'analytic' : r.rule.tolerance === 1 ? `fixed N=${r.rule.minSamples}`
    : r.rule.decidable ? 'auto, ties decided' : 'auto (flip share)');
  return [
    `| rule | tolerance | map bound | min..max | images | mean N (range) | time vs N=${fixedN} | ΔmIoU | ΔECE | ΔAUROC entropy | ΔAUROC MI |`,
    '|---|---:|---:|---|---:|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => (Number.isNaN(r.rule.tolerance)
      ? `| analytic | | | | ${r.images} | 1 pass | ${r.timeRatio.toFixed(3)} | ${d(r.dMeanIoU)} | ${d(r.dEce)} | ${d(r.dAurocEntropy)} | ${d(r.dAurocMi)} |`
      : `| ${name(r)} | ${r.rule.tolerance} | ${r.rule.mapTolerance} | ${r.rule.minSamples}..${r.rule.maxSamples} | ${r.images} | `
      + `${r.meanN.toFixed(1)} (${r.minN}-${r.maxN}) | ${r.timeRatio.toFixed(3)} | ${d(r.dMeanIoU)} | ${d(r.dEce)} | ${d(r.dAurocEntropy)} | ${d(r.dAurocMi)} |`)),
  ].join('\n');
}


/**
 * The auto-N table of `npm run bench`: records the images (into `jsonl`, reused when it already
 * holds them), then one row per tolerance with the map bound and limits of AUTO_DEFAULTS, plus
 * fixed N=16 and N=24 for comparison.
 */
export async function autoSection(modelPath: string, files: readonly string[], labels: string, tolerances: readonly number[], jsonl: string,
  log: (s: string) => void, setName = 'val'): Promise<string> {
  const fixed = AUTO_DEFAULTS.maxSamples;
  await recordAutoRuns(modelPath, files, labels, fixed, AUTO_DEFAULTS.step, 0, jsonl, log);
  const wanted = new Set(files);
  const records = readRecords(jsonl).filter((r) => wanted.has(r.file));
  const rules: AutoRule[] = [
    ...tolerances.flatMap((t) => [false, true].map((decidable) => ({ ...AUTO_DEFAULTS, tolerance: t, mapTolerance: MAP_PER_FLIP * t, decidable }))),
    ...[16, 24].map((n) => ({ tolerance: 1, mapTolerance: Infinity, minSamples: n, maxSamples: fixed })),
  ];
  const analytic = evaluateAnalytic(records);
  const rows = [...evaluateRules(records, rules), ...(analytic ? [analytic] : [])];
  const f = rows[0].fixed;
  return `${setName}: --samples auto and analytic against fixed N=${fixed}, seed 0, same samples (nested), ${records.length} labelled images `
    + `(fixed: mIoU ${f.meanIoU.toFixed(4)}, ECE ${f.ece.toFixed(4)}, AUROC entropy ${f.aurocEntropy.toFixed(4)}, MI ${f.aurocMi.toFixed(4)}); `
    + `map bound = ${MAP_PER_FLIP} x tolerance; rows with tolerance 1 are fixed N (min..max)\n\n${autoTable(rows, fixed)}`;
}
