/**
 * OUT/summary.md: an audit as a pull-request comment, at most about 60 lines whatever the run:
 * the verdict, the gates table, per-class IoU against the baseline, the three worst images of
 * each list and the cost. Tables are capped (MAX_ROWS) with a line saying how many were left out.
 */
import * as path from 'path';
import { verdictOf } from './gates';
import { formatNumber, formatRate, formatSigned, metricKind } from '../format';
import type { AuditResult } from '../report/formats';
import { samplesLabel } from '../report/samples-html';

const MAX_GATES = 12;
const MAX_CLASSES = 16;
const GLYPH = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail' } as const;

const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const signed = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);
/** Markdown table cells: pipes and newlines would break the row. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
/** A table cell of plain text (class and slice names come from a card and file names): HTML shown, not rendered. */
const textCell = (text: string): string => cell(text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;')));
/** A name in a code span: backticks cannot close it early, line breaks cannot end the line. */
const code = (text: string): string => `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
/**
 * Text with names in it (a warning), as plain text: summary.md is posted as a pull-request
 * comment, and a file named `<img src=x>` or `[x](http://...)` was rendered (issue 25). HTML's
 * specials become entities, Markdown's punctuation is backslash-escaped.
 */
export const markdownText = (text: string): string => text.replace(/[\r\n]+/g, ' ')
  .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
  .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`);

function allowed(g: AuditResult['gates'][number]): string {
  const v = (x: number | null): string => formatNumber(x, metricKind(g.metric));
  if (g.allowedChange) return g.allowedChange.relative ? `${g.kind === 'max-drop' ? '-' : '+'}${formatRate(g.allowedChange.value * 100)}%` : `${g.kind === 'max-drop' ? '-' : '+'}${v(g.allowedChange.value)}`;
  if (g.kind === 'max-slice-gap') return `gap ≤ ${v(g.threshold)}`;
  return `${g.kind === 'min' ? '≥' : '≤'} ${v(g.threshold)}`;
}

function verdictLine(r: AuditResult): string {
  const verdicts = r.gates.map((g) => verdictOf(g, r.failOnWarn));
  const fails = verdicts.filter((v) => v === 'fail').length;
  const warns = verdicts.filter((v) => v === 'warn').length;
  if (r.inputErrors.length > 0 || r.labelledImages === 0) return `## segnet-uq audit: ❌ inputs could not be scored (${r.inputErrors.length} errors)`;
  if (fails > 0) return `## segnet-uq audit: ❌ failed (${fails} of ${r.gates.length} gates broken${warns ? `, ${warns} warning${warns > 1 ? 's' : ''}` : ''})`;
  const gates = `${r.gates.length} gate${r.gates.length === 1 ? '' : 's'}`;
  if (warns > 0) return `## segnet-uq audit: ⚠️ passed with ${warns} warning${warns > 1 ? 's' : ''} (${gates})`;
  return `## segnet-uq audit: ✅ passed (${gates})`;
}

function gatesTable(r: AuditResult): string[] {
  if (r.gates.length === 0) return ['No gates were given.'];
  const shown = r.gates.slice(0, MAX_GATES);
  const what = (g: AuditResult['gates'][number]): string => cell(`${g.name}${g.severity === 'warn' && !r.failOnWarn ? ' · warn only' : ''}`);
  const value = (g: AuditResult['gates'][number], v: number | null): string => formatNumber(v, metricKind(g.metric));
  const change = (g: AuditResult['gates'][number], v: number | null): string => formatSigned(v, metricKind(g.metric));
  const runGates = shown.filter((g) => g.kind !== 'max-slice-gap');
  // a slice gate compares a slice with the whole set, not with the baseline run: its own columns
  const sliceGates = shown.filter((g) => g.kind === 'max-slice-gap');
  const lines: string[] = [];
  if (runGates.length) {
    lines.push('| gate | measured | baseline | change | allowed | verdict |', '| --- | ---: | ---: | ---: | ---: | --- |',
      ...runGates.map((g) => `| ${what(g)} | ${value(g, g.measured)} | ${value(g, g.baseline)} | ${change(g, g.change)} | ${allowed(g)} | ${GLYPH[verdictOf(g, r.failOnWarn)]} |`));
  }
  if (sliceGates.length) {
    if (lines.length) lines.push('');
    lines.push('| slice gate | worst slice | slice value | whole set | slice − whole set | allowed | verdict |', '| --- | --- | ---: | ---: | ---: | ---: | --- |',
      ...sliceGates.map((g) => `| ${what(g)} | ${textCell(g.slice ?? '–')} | ${value(g, g.measured)} | ${value(g, g.baseline)} | ${change(g, g.change)} | ${allowed(g)} | ${GLYPH[verdictOf(g, r.failOnWarn)]} |`));
  }
  if (r.gates.length > MAX_GATES) lines.push(`(${r.gates.length - MAX_GATES} more gates in audit.json)`);
  return lines;
}

function classTable(r: AuditResult): string[] {
  const base = r.baseline?.metrics.perClass;
  const rows = r.metrics.perClass.slice(0, MAX_CLASSES).map((c, k) => {
    const b = base?.[k]?.iou ?? null;
    const change = c.iou !== null && b !== null ? c.iou - b : null;
    return `| ${textCell(r.run.classes[k] ?? String(k))} | ${num(c.iou)} | ${num(b)} | ${signed(change)} |`;
  });
  const more = r.metrics.perClass.length > MAX_CLASSES ? [`(${r.metrics.perClass.length - MAX_CLASSES} more classes in audit.json)`] : [];
  return ['### Per-class IoU', '', '| class | IoU | baseline | change |', '| --- | ---: | ---: | ---: |', ...rows, ...more];
}

function worstLines(r: AuditResult): string[] {
  const w = r.worstImages;
  const name = (f: string): string => code(path.basename(f));
  const lines = ['### Worst images', ''];
  const low = (w.lowestIoU ?? []).slice(0, 3);
  if (low.length) {
    lines.push('| lowest IoU | IoU | mean entropy | confident-but-wrong |', '| --- | ---: | ---: | ---: |');
    for (const e of low) lines.push(`| ${cell(name(e.file))} | ${num(e.meanIoU)} | ${num(e.meanEntropy)} | ${num(e.confidentWrong * 100, 1)}% |`);
    lines.push('');
  }
  const list = (title: string, entries: readonly { file: string; value: number }[] | undefined, show: (v: number) => string): void => {
    if (entries?.length) lines.push(`- ${title}: ${entries.slice(0, 3).map((e) => `${name(e.file)} (${show(e.value)})`).join(', ')}`);
  };
  list('most uncertain (mean entropy)', w.mostUncertain, (v) => num(v, 3));
  list('most confident-but-wrong (share of wrong pixels above 0.9 confidence)', w.confidentButWrong, (v) => `${num(v * 100, 1)}%`);
  list('changed most vs baseline (IoU change)', w.changedVsBaseline, (v) => signed(v, 3));
  if (lines.length === 2) lines.push('None listed (`audit --from` reads numbers only; the lists need the images).');
  return lines;
}

function costLine(r: AuditResult): string {
  const ms = r.cost.msPerImage;
  const b = r.baseline ? r.gates.find((g) => g.metric === 'msPerImage')?.baseline ?? null : null;
  const vs = ms !== null && b !== null && b > 0 ? ` (baseline ${num(b, 0)}, ${signed(((ms - b) / b) * 100, 1)}%)` : '';
  const total = r.cost.totalMs !== null ? `, ${num(r.cost.totalMs / 1000, 1)} s of sampling in all` : '';
  return `**Cost**: ${ms === null ? 'sampling time not measured (audit --from)' : `${num(ms, 0)} ms per image${vs}`}, ${samplesLabel(r.cost.samples)} MC samples per image${total}.`;
}

export function auditMarkdown(r: AuditResult): string {
  const lines: string[] = [verdictLine(r), '',
    `Model card ${code(r.run.card)} · ${r.images} images, ${r.labelledImages} labelled · ${samplesLabel(r.run.samples)} samples`
      + (r.baseline ? ` · baseline ${code(path.basename(path.dirname(r.baseline.file)) + '/' + path.basename(r.baseline.file))}` : ' · no baseline'), '',
    ...gatesTable(r), ''];
  for (const w of r.warnings.slice(0, 3)) lines.push(`> ⚠️ ${markdownText(w.length > 300 ? `${w.slice(0, 297)}...` : w)}`);
  if (r.warnings.length) lines.push('');
  lines.push(...classTable(r), '', ...worstLines(r), '', costLine(r));
  return lines.join('\n') + '\n';
}
