/**
 * The numbers the model card's "metrics" and models/README.md report, from the JSON files that
 * models/measure.sh's CLI runs wrote (not a second computation: every value is read from
 * calibration.json, shift.json or samples.json, or is a mean of them as the README's tables take it).
 *
 *   npx tsx bench/model-numbers.ts OUT [CARD.json]   # prints markdown tables, writes OUT/metrics.json
 *
 * With CARD.json, every number of its "metrics" is compared with the one measured at the same
 * place: the numbers that differ (beyond the card's 4-decimal rounding) and the ones not measured.
 *
 * OUT holds val-mc10/ and val-off/ (calibrate), shift-mc8/, shift-off/, shift-mc8-flip/ (shift on
 * the robustness set), optionally sweep/ (samples) and times.tsv (measure.sh's wall seconds per step).
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../lib/atomic';
import { readJsonFile } from '../lib/json-file';
import type { MetricSummary, UncertaintyKind } from '../lib/metrics/types';
import { readCalibrationReport } from '../lib/report/calibration-files';
import { readShiftResult, type ShiftRow } from '../lib/shift/result';
import { readSamplesResult } from '../lib/shard/merge-samples';

/** Not in models/training/robust.py's training corruptions: the robustness set's selection conditions (models/README.md). */
export const HELD_OUT = ['impulse-noise', 'defocus-blur', 'pixelate'] as const;
const DATA = '../shared/datasets/camvid';
const SHIFT_ARGS = `--corruptions impulse-noise,defocus-blur,pixelate,gaussian-noise --severities 2,3 --seed 0`;
/** the run ways on the robustness set: measure.sh's folder, the card's key, the table's heading */
export const SHIFT_RUNS = [
  { dir: 'shift-mc8', key: 'mcDropoutN8', title: 'MC N = 8', args: '--samples 8' },
  { dir: 'shift-off', key: 'dropoutOff', title: 'dropout off', args: '--dropout off' },
  { dir: 'shift-mc8-flip', key: 'mcDropoutN8TtaFlip', title: 'MC N = 8, `--tta flip`', args: '--samples 8 --tta flip' },
] as const;

type Num = number | null;
export interface ConditionNumbers { readonly meanIoU: Num; readonly ece: Num; readonly nll: Num; readonly entropyMisclassificationAUROC: Num }

export const r4 = (v: Num | undefined): Num => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1e4) / 1e4);
const f4 = (v: Num): string => (v === null ? 'n/a' : v.toFixed(4));
const mean = (v: readonly Num[]): Num => (v.length === 0 || v.some((x) => x === null) ? null : (v as number[]).reduce((a, b) => a + b, 0) / v.length);

/**
 * Accuracy of the 10% most uncertain pixels. accuracyByPercentile holds the p% most certain
 * (interpolated inside a bin), so the remaining 10% hold the errors the 90% most certain do not:
 * errors = n (1 - acc100) - 0.9 n (1 - acc90), over 0.1 n pixels: 10 acc100 - 9 acc90.
 */
export function leastCertain10(m: MetricSummary, kind: UncertaintyKind): Num {
  const at = (p: number): Num => m.uncertainty[kind].accuracyByPercentile.find((a) => a.percentile === p)?.accuracy ?? null;
  const a90 = at(90), a100 = at(100);
  return a90 === null || a100 === null ? null : 10 * a100 - 9 * a90;
}

function classIoU(m: MetricSummary, classes: readonly string[]): Record<string, Num> {
  return Object.fromEntries(classes.map((c, k) => [c, r4(m.perClass[k]?.iou ?? null)]));
}

/** The card's mcDropoutN10 / dropoutOff block from a calibrate run (the uncertainty fields only for MC). */
export function valBlock(m: MetricSummary, classes: readonly string[], mc: boolean): Record<string, unknown> {
  const base = { globalAccuracy: r4(m.globalAccuracy), classAverageAccuracy: r4(m.classAverageAccuracy), meanIoU: r4(m.meanIoU), perClassIoU: classIoU(m, classes) };
  const unc = mc ? {
    accuracyMostCertain10pct: r4(m.uncertainty.entropy.accuracyByPercentile.find((a) => a.percentile === 10)?.accuracy ?? null),
    accuracyLeastCertain10pct: r4(leastCertain10(m, 'entropy')),
    entropyMisclassificationAUROC: r4(m.uncertainty.entropy.auroc),
  } : {};
  return { ...base, ...unc, ece: r4(m.calibration.ece), nll: r4(m.calibration.nll) };
}

function conditionNumbers(rows: readonly ShiftRow[]): ConditionNumbers {
  return {
    meanIoU: mean(rows.map((r) => r.metrics.meanIoU)), ece: mean(rows.map((r) => r.metrics.calibration.ece)),
    nll: mean(rows.map((r) => r.metrics.calibration.nll)), entropyMisclassificationAUROC: mean(rows.map((r) => r.metrics.uncertainty.entropy.auroc)),
  };
}

/** The robustness table's rows: clean, the held-out mean at each severity (a plain mean over the conditions, as models/README.md), each corruption at each severity. */
export function robustnessRows(rows: readonly ShiftRow[]): [string, ConditionNumbers][] {
  const out: [string, ConditionNumbers][] = [];
  const clean = rows.filter((r) => r.corruption === 'none');
  if (clean.length) out.push(['clean', conditionNumbers(clean)]);
  const severities = [...new Set(rows.map((r) => r.severity))].filter((s) => s > 0).sort((a, b) => a - b);
  for (const s of severities) {
    const held = rows.filter((r) => r.severity === s && (HELD_OUT as readonly string[]).includes(r.corruption));
    if (held.length === HELD_OUT.length) out.push([`heldOutSeverity${s}`, conditionNumbers(held)]);
  }
  for (const s of severities) for (const r of rows) if (r.severity === s && r.corruption !== 'none') out.push([`${r.corruption}-${s}`, conditionNumbers([r])]);
  return out;
}

const rowTitle = (key: string): string => key === 'clean' ? 'clean' : key.startsWith('heldOutSeverity') ? `held-out, mean of ${HELD_OUT.length}, severity ${key.slice(15)}` : key.replace(/-(\d)$/, ' $1');
const round = (c: ConditionNumbers): Record<string, Num> => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, r4(v)]));

/** Markdown: rows x run ways, `mIoU / ECE / NLL` per cell; the table the brief of issue 30 asks for. */
export function robustnessTable(runs: readonly { title: string; rows: [string, ConditionNumbers][] }[], severities: readonly number[] = [3]): string {
  const keys = runs[0]?.rows.map(([k]) => k).filter((k) => !/-\d$/.test(k) || severities.includes(Number(k.slice(-1)))) ?? [];
  const lines = [`| ${runs[0] ? 'mIoU / ECE / NLL' : ''} | ${runs.map((r) => r.title).join(' | ')} |`, `| --- |${runs.map(() => ' ---: |').join('')}`];
  for (const k of keys) {
    lines.push(`| ${rowTitle(k)} | ${runs.map((r) => { const c = r.rows.find(([q]) => q === k)?.[1]; return c ? `${f4(c.meanIoU)} / ${f4(c.ece)} / ${f4(c.nll)}` : ''; }).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Where MC dropout beats dropout off (higher mIoU and lower NLL), per row of the robustness set. */
export function mcAgainstOff(mc: [string, ConditionNumbers][], off: [string, ConditionNumbers][]): { row: string; mIoU: Num; nll: Num; beats: boolean }[] {
  return mc.map(([k, m]) => {
    const o = off.find(([q]) => q === k)?.[1];
    const dIoU = o && m.meanIoU !== null && o.meanIoU !== null ? m.meanIoU - o.meanIoU : null;
    const dNll = o && m.nll !== null && o.nll !== null ? m.nll - o.nll : null;
    return { row: k, mIoU: r4(dIoU), nll: r4(dNll), beats: dIoU !== null && dNll !== null && dIoU > 0 && dNll < 0 };
  });
}

/** Numeric leaves of `card` against the same paths in `measured`: matched count, differing ones, and those `measured` lacks. */
export function compareWithCard(card: unknown, measured: unknown, at = 'metrics'): { matched: number; differ: string[]; missing: string[] } {
  const out = { matched: 0, differ: [] as string[], missing: [] as string[] };
  if (typeof card === 'number') {
    if (typeof measured !== 'number') out.missing.push(at);
    else if (Math.abs(card - measured) > 5e-5 + 1e-12) out.differ.push(`${at}: card ${card}, measured ${measured}`);
    else out.matched++;
  } else if (card !== null && typeof card === 'object' && !Array.isArray(card)) {
    for (const [k, v] of Object.entries(card)) {
      const sub = compareWithCard(v, measured !== null && typeof measured === 'object' ? (measured as Record<string, unknown>)[k] : undefined, `${at}.${k}`);
      out.matched += sub.matched;
      out.differ.push(...sub.differ);
      out.missing.push(...sub.missing);
    }
  }
  return out;
}

function valTables(mc: MetricSummary, off: MetricSummary, classes: readonly string[]): string {
  const t = [
    `| CamVid val (${mc.images} images) | global acc | class-avg acc | mIoU | ECE | MCE | Brier | NLL |`, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...([['MC dropout, N = 10, seed 0', mc], ['dropout off', off]] as const).map(([n, m]) =>
      `| ${n} | ${f4(m.globalAccuracy)} | ${f4(m.classAverageAccuracy)} | ${f4(m.meanIoU)} | ${f4(m.calibration.ece)} | ${f4(m.calibration.mce)} | ${f4(m.calibration.brier)} | ${f4(m.calibration.nll)} |`),
    '', '| class | IoU, MC N=10 | IoU, dropout off | pixel share | mean MI (MC) |', '| --- | ---: | ---: | ---: | ---: |',
    ...classes.map((c, k) => `| ${c} | ${f4(mc.perClass[k].iou)} | ${f4(off.perClass[k].iou)} | ${mc.perClass[k].frequency?.toFixed(3) ?? 'n/a'} | ${f4(mc.perClass[k].meanMutualInformation)} |`),
    '', '| uncertainty (MC N=10) | misclassification AUROC | AUPR | AUSE | accuracy of the 10% most certain pixels | of the 10% most uncertain |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...([['predictive entropy', 'entropy'], ['mean variance', 'variance'], ['mutual information', 'mutualInformation']] as const).map(([n, k]) => {
      const u = mc.uncertainty[k];
      return `| ${n} | ${u.auroc?.toFixed(3) ?? 'n/a'} | ${u.aupr?.toFixed(3) ?? 'n/a'} | ${f4(u.ause)} | ${f4(u.accuracyByPercentile.find((a) => a.percentile === 10)?.accuracy ?? null)} | ${f4(leastCertain10(mc, k))} |`;
    }),
    '', `PAvPU (4x4 patches), balanced threshold: entropy ${mc.uncertainty.entropy.pavpu.fixed.pavpu?.toFixed(3)}, MI ${mc.uncertainty.mutualInformation.pavpu.fixed.pavpu?.toFixed(3)}, variance ${mc.uncertainty.variance.pavpu.fixed.pavpu?.toFixed(3)}; label-free: ${mc.uncertainty.entropy.pavpu.labelFree.pavpu?.toFixed(3)}, ${mc.uncertainty.mutualInformation.pavpu.labelFree.pavpu?.toFixed(3)}, ${mc.uncertainty.variance.pavpu.labelFree.pavpu?.toFixed(3)}`,
  ];
  return t.join('\n');
}

function main(out: string, cardFile: string | undefined): void {
  const parts: string[] = [];
  const metrics: Record<string, unknown> = {};
  const mcFile = path.join(out, 'val-mc10'), offFile = path.join(out, 'val-off');
  if (existsSync(path.join(mcFile, 'calibration.json')) && existsSync(path.join(offFile, 'calibration.json'))) {
    const mc = readCalibrationReport(mcFile).report, off = readCalibrationReport(offFile).report;
    parts.push(`## ${mc.model.name}: CamVid val\n\n${valTables(mc.metrics, off.metrics, mc.classes)}`);
    metrics.dataset = `CamVid val (${mc.metrics.images} images, 360x480 labels, void ignored)`;
    metrics.measuredWith = `npx segnet-uq calibrate ${DATA}/val --labels ${DATA}/valannot --samples 10 --seed 0`;
    metrics.mcDropoutN10 = valBlock(mc.metrics, mc.classes, true);
    metrics.dropoutOff = { ...valBlock(off.metrics, off.classes, false), measuredWith: `npx segnet-uq calibrate ${DATA}/val --labels ${DATA}/valannot --dropout off` };
  }
  const sweep = path.join(out, 'sweep');
  if (existsSync(path.join(sweep, 'samples.json'))) {
    const s = readSamplesResult(sweep);
    const n50 = s.rows.find((r) => r.samples === 50);
    parts.push(['| N | mIoU | accuracy | ECE | entropy | MI | agreement |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...s.rows.map((r) => `| ${r.samples} | ${f4(r.meanIoU)} | ${f4(r.globalAccuracy)} | ${f4(r.ece)} | ${f4(r.meanEntropy)} | ${r.meanMutualInformation?.toFixed(5)} | ${f4(r.agreement)} |`)].join('\n'));
    if (n50) metrics.mcDropoutN50 = { globalAccuracy: r4(n50.globalAccuracy), meanIoU: r4(n50.meanIoU), measuredWith: `npx segnet-uq samples ${DATA}/val --labels ${DATA}/valannot --counts 1,2,5,10,20,50` };
  }
  const runs = SHIFT_RUNS.filter((r) => existsSync(path.join(out, r.dir, 'shift.json'))).flatMap((r) => {
    const { result } = readShiftResult(path.join(out, r.dir));
    if (!result.complete) {
      parts.push(`${path.join(out, r.dir, 'shift.json')}: left out, incomplete (${result.done?.length ?? 0} of ${result.images} images; models/measure.sh resumes it)`);
      return [];
    }
    return [{ ...r, images: result.images, rows: robustnessRows(result.rows) }];
  });
  if (runs.length) {
    const clean = runs.map((r) => `${r.title} ${f4(r.rows.find(([k]) => k === 'clean')?.[1].entropyMisclassificationAUROC ?? null)}`).join(', ');
    parts.push(`## Robustness set (${runs[0].images} val frames, every 4th; held out: ${HELD_OUT.join(', ')})\n\n${robustnessTable(runs)}\n\nclean entropy misclassification AUROC: ${clean}`);
    metrics.robustness = {
      dataset: `every 4th CamVid val frame (${runs[0].images} images; \`ls val | awk 'NR%4==1'\`) under ImageNet-C-style corruptions; held out of the robust fine-tune's training: ${HELD_OUT.join(', ')}; gaussian-noise is a training corruption (the issue's target case)`,
      measuredWith: `bash models/measure.sh MODEL.onnx CARD.json: npx segnet-uq shift VAL4 --labels ${DATA}/valannot ${SHIFT_ARGS} ${SHIFT_RUNS.map((r) => `[${r.args}]`).join(' / ')}`,
      ...Object.fromEntries(runs.map((r) => [r.key, Object.fromEntries(r.rows.map(([k, c]) => [k, round(c)]))])),
    };
    const mc = runs.find((r) => r.key === 'mcDropoutN8'), off = runs.find((r) => r.key === 'dropoutOff');
    if (mc && off) {
      const cmp = mcAgainstOff(mc.rows, off.rows);
      parts.push(['MC N = 8 minus dropout off (issue 30 target: MC higher mIoU and lower NLL):', '| row | mIoU | NLL | MC beats off |', '| --- | ---: | ---: | --- |',
        ...cmp.map((c) => `| ${rowTitle(c.row)} | ${c.mIoU === null ? 'n/a' : (c.mIoU >= 0 ? '+' : '') + c.mIoU.toFixed(4)} | ${c.nll === null ? 'n/a' : (c.nll >= 0 ? '+' : '') + c.nll.toFixed(4)} | ${c.beats ? 'yes' : 'no'} |`)].join('\n'));
    }
  }
  const times = path.join(out, 'times.tsv');
  if (existsSync(times)) parts.push(`wall seconds per step (measure.sh): ${readFileSync(times, 'utf8').trim().split('\n').map((l) => l.replace('\t', ' ')).join(', ')}`);
  if (parts.length === 0) throw new Error(`${out}: none of val-mc10/, val-off/, shift-*/ or sweep/ holds a result (run models/measure.sh)`);
  if (cardFile) {
    const card = readJsonFile(cardFile) as { metrics?: unknown };
    if (card.metrics === undefined) parts.push(`${cardFile} has no metrics to compare`);
    else {
      const c = compareWithCard(card.metrics, metrics);
      parts.push([`${cardFile}: ${c.matched} numbers of its metrics reproduced (within 5e-5), ${c.differ.length} differ, ${c.missing.length} not measured here`,
        ...c.differ.map((d) => `  differs: ${d}`), ...c.missing.map((m) => `  not measured: ${m}`)].join('\n'));
    }
  }
  writeFileAtomic(path.join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  console.log(parts.join('\n\n') + `\n\nwrote ${path.join(out, 'metrics.json')} (the card's "metrics" fields)`);
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) { console.error('usage: npx tsx bench/model-numbers.ts OUT [CARD.json]'); process.exit(2); }
  try { main(out, process.argv[3]); } catch (err) { console.error(`model-numbers: ${(err as Error).message}`); process.exit(1); }
}
