/**
 * OUT/audit.html: the gates, per-class IoU against the baseline, the slices with their
 * uncertainty drift against the baseline, and the worst images with overlay thumbnails. The
 * thumbnails are files under OUT/audit-images/, or with --single-file data: URIs, so the page is
 * one file that opens offline (it loads nothing else in either case but its own images).
 */
import * as path from 'path';
import { escapeHtml, hrefOf, pageHtml } from '../report/html';
import { verdictOf } from './gates';
import { THUMB_DISPLAY_PX } from './worst-images';
import { formatNumber, formatSigned, metricKind } from '../format';
import type { AuditResult } from '../report/formats';
import { WORST_LISTS, type WorstList } from '../report/formats';
import { samplesLabel } from '../report/samples-html';

/** What --single-file promises: the page stays under this size for 100 images (its lists are bounded). */
export const SINGLE_FILE_BUDGET_BYTES = 5 * 1024 * 1024;

const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const signed = (v: number | null, digits = 4): string => (v === null || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);
const diff = (a: number | null, b: number | null): number | null => (a !== null && b !== null ? a - b : null);

const TITLES: Readonly<Record<WorstList, string>> = {
  lowestIoU: 'Lowest IoU', mostUncertain: 'Most uncertain (mean predictive entropy)',
  confidentButWrong: 'Most confident-but-wrong (share of wrong pixels above 0.9 confidence)', changedVsBaseline: 'Changed most against the baseline (IoU change)',
};

const COLOR = { pass: '#1a7f37', warn: '#9a6700', fail: '#cf222e' } as const;

function gatesSection(r: AuditResult): string {
  const value = (g: AuditResult['gates'][number], v: number | null): string => formatNumber(v, metricKind(g.metric));
  const verdict = (g: AuditResult['gates'][number]): string => {
    const v = verdictOf(g, r.failOnWarn);
    return `<td>${g.severity}</td><td style="color:${COLOR[v]};font-weight:bold">${v}</td>`;
  };
  const runRows = r.gates.filter((g) => g.kind !== 'max-slice-gap').map((g) => `<tr><td class="name">${escapeHtml(g.name)}</td><td>${value(g, g.measured)}</td><td>${value(g, g.baseline)}</td>`
    + `<td>${formatSigned(g.change, metricKind(g.metric))}</td>${verdict(g)}</tr>`).join('');
  // a slice gate compares the worst slice with the whole set (not with the baseline run): its own table
  const sliceRows = r.gates.filter((g) => g.kind === 'max-slice-gap').map((g) => `<tr><td class="name">${escapeHtml(g.name)}</td><td class="name">${escapeHtml(g.slice ?? '–')}</td>`
    + `<td>${value(g, g.measured)}</td><td>${value(g, g.baseline)}</td><td>${formatSigned(g.change, metricKind(g.metric))}</td>${verdict(g)}</tr>`).join('');
  return '<h2>Gates</h2>'
    + (runRows ? `<table><thead><tr><th>gate</th><th>measured</th><th>baseline</th><th>change</th><th>severity</th><th>verdict</th></tr></thead><tbody>${runRows}</tbody></table>` : '')
    + (sliceRows ? `<table class="slice-gates"><thead><tr><th>slice gate</th><th>worst slice</th><th>slice value</th><th>whole set</th><th>slice − whole set</th><th>severity</th><th>verdict</th></tr></thead><tbody>${sliceRows}</tbody></table>` : '')
    + (r.gates.length === 0 ? '<p>No gates were given.</p>' : '')
    + (r.warnings.length ? `<ul class="errors">${r.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '');
}

function classSection(r: AuditResult): string {
  const base = r.baseline?.metrics.perClass;
  const rows = r.metrics.perClass.map((c, k) => {
    const b = base?.[k]?.iou ?? null;
    return `<tr><td class="name">${escapeHtml(r.run.classes[k] ?? String(k))}</td><td>${num(c.iou)}</td><td>${num(b)}</td><td>${signed(diff(c.iou, b))}</td></tr>`;
  }).join('');
  return `<h2>Per-class IoU</h2><table><thead><tr><th>class</th><th>IoU</th><th>baseline</th><th>change</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function slicesSection(r: AuditResult): string {
  if (r.slices.length === 0) return '';
  const drift = new Map(r.sliceDrift.map((d) => [d.slice, d]));
  const rows = r.slices.map((s) => {
    const d = drift.get(s.name);
    const e = s.values.meanEntropy ?? null, mi = s.values.meanMutualInformation ?? null;
    return `<tr><td class="name">${escapeHtml(s.name)}</td><td>${s.images}</td><td>${num(s.values.meanIoU ?? null)}</td><td>${signed(diff(s.values.meanIoU ?? null, d?.baselineMeanIoU ?? null))}</td>`
      + `<td>${num(e)}</td><td>${signed(diff(e, d?.baselineMeanEntropy ?? null))}</td><td>${num(mi, 5)}</td><td>${signed(diff(mi, d?.baselineMeanMutualInformation ?? null), 5)}</td></tr>`;
  }).join('');
  return `<h2>Slices</h2><p class="meta">Terciles of each image property (cut between histogram bins, so about a third each) and groups of file names.`
    + ` Drift: this run minus the baseline, for slices the baseline audit also measured.</p>`
    + `<table><thead><tr><th>slice</th><th>images</th><th>mIoU</th><th>mIoU drift</th><th>mean entropy</th><th>entropy drift</th><th>mean MI</th><th>MI drift</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** thumbnail(list, rank): the src of an entry's overlay (a relative file or a data: URI). */
function worstSection(r: AuditResult, thumbnail: (list: WorstList, rank: number) => string | null): string {
  return WORST_LISTS.filter((l) => r.worstImages[l]?.length).map((list) => {
    const figures = (r.worstImages[list] ?? []).map((e, rank) => {
      const src = thumbnail(list, rank);
      const img = src ? `<img src="${src.startsWith('data:') ? src : hrefOf(src)}" class="thumb" style="width:${THUMB_DISPLAY_PX}px;height:auto" alt="overlay of ${escapeHtml(path.basename(e.file))}">` : '';
      const extra = e.baselineIoU !== undefined ? ` · baseline IoU ${num(e.baselineIoU)}` : '';
      return `<figure>${img}<figcaption>${escapeHtml(path.basename(e.file))}<br><span class="meta">IoU ${num(e.meanIoU)} · entropy ${num(e.meanEntropy)}`
        + ` · confident-wrong ${num(e.confidentWrong * 100, 1)}%${extra}</span></figcaption></figure>`;
    }).join('');
    return `<h3>${escapeHtml(TITLES[list])}</h3><div class="grid">${figures}</div>`;
  }).join('');
}

export function auditPageHtml(r: AuditResult, thumbnail: (list: WorstList, rank: number) => string | null): string {
  const verdicts = r.gates.map((g) => verdictOf(g, r.failOnWarn));
  const head = verdicts.includes('fail') ? 'failed' : verdicts.includes('warn') ? 'passed with warnings' : 'passed';
  const body = `<h1>segnet-uq audit: ${head}</h1><p class="meta">${escapeHtml(r.run.card)} · ${r.images} images (${r.labelledImages} labelled) · `
    + `${escapeHtml(samplesLabel(r.run.samples))} samples · ${num(r.cost.msPerImage, 0)} ms per image · ${r.baseline ? `baseline ${escapeHtml(r.baseline.file)}` : 'no baseline'} · ${escapeHtml(r.createdAt)}</p>`
    + `${gatesSection(r)}${classSection(r)}${slicesSection(r)}<h2>Worst images</h2>${worstSection(r, thumbnail)}`;
  return pageHtml('segnet-uq audit', body);
}
