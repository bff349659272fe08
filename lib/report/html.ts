/**
 * The HTML report: self-contained pages with relative links, no remote resource, every
 * user-supplied string (file names, class names, messages) escaped.
 */
import type { ModelCard } from '../model/types';
import { DEFAULT_CHART_SIZE } from './chart-render';
import { samplesMeta, samplesSectionHtml } from './samples-html';
import { EDGE_RGB, IGNORE_RGB, presentClassIoU, RIGHT_RGB, WRONG_RGB } from './label-outputs';
import type { ReportImage, ReportSummary } from './summary';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/** A relative URL with each path segment percent-encoded (file names may hold '#', '?', '%'). */
export function hrefOf(relPath: string): string {
  return relPath.split('/').map(encodeURIComponent).join('/');
}

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;background:#fafafa}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;background:#fff}
th,td{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:right;vertical-align:middle}
th{cursor:pointer;user-select:none;background:#eee;position:sticky;top:0}th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
td.name{text-align:left;max-width:28rem;overflow-wrap:anywhere}.legend span{display:inline-block;margin:.15rem .6rem .15rem 0}
.swatch{display:inline-block;width:.9rem;height:.9rem;vertical-align:middle;margin-right:.3rem;border:1px solid #888}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}.grid figure{margin:0;background:#fff;padding:.5rem}
.grid img{width:100%;image-rendering:pixelated}.bar{display:flex;align-items:center;gap:.4rem;font-size:.8rem}.bar img{width:60%;height:10px}
.errors li{color:#a00}.meta{color:#555;font-size:.9rem}code{background:#eee;padding:0 .2rem}
.grid figure{min-width:0}.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure.chart{margin:0;background:#fff;padding:.5rem;max-width:100%;overflow-x:auto;box-sizing:border-box}figure.chart img{display:block;max-width:none;image-rendering:auto}
table{display:block;max-width:100%;overflow-x:auto}.table-wrap{max-width:100%;overflow-x:auto}.table-wrap td.name{width:12rem;min-width:12rem;overflow-wrap:anywhere}img.thumb{image-rendering:auto}
table.iou{font-size:.85rem;margin-top:.3rem}`;

const SORT_SCRIPT = `document.querySelectorAll('table.sortable').forEach(function(table){
  var heads=table.querySelectorAll('th');
  heads.forEach(function(th,col){th.addEventListener('click',function(){
    var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
    var desc=!th.classList.contains('sorted-desc');
    heads.forEach(function(h){h.classList.remove('sorted-asc','sorted-desc')});
    th.classList.add(desc?'sorted-desc':'sorted-asc');
    rows.sort(function(a,b){var x=a.cells[col].getAttribute('data-v'),y=b.cells[col].getAttribute('data-v');
      var nx=parseFloat(x),ny=parseFloat(y);var c=(isNaN(nx)||isNaN(ny))?String(x).localeCompare(String(y)):nx-ny;return desc?-c:c});
    rows.forEach(function(r){body.appendChild(r)});});});});`;

/** A standalone page in the report's style around `body` (already escaped HTML). */
export function pageHtml(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head><body>
${body}
</body></html>
`;
}

/**
 * A chart at the size it was drawn (renderChart's CSS pixels; the PNG holds CHART_DPR times as
 * many): never scaled down, so its text stays CHART_FONT_PX; a narrow screen scrolls it.
 */
export function chartFigure(src: string, caption: string, size: { readonly width: number; readonly height: number } = DEFAULT_CHART_SIZE): string {
  return `<figure class="chart"><a href="${hrefOf(src)}" target="_blank" title="open full size"><img src="${hrefOf(src)}" width="${size.width}" height="${size.height}" alt="${escapeHtml(caption)}"></a><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

export function legendHtml(card: ModelCard): string {
  return `<div class="legend">${card.classes.map((c) =>
    `<span><i class="swatch" style="background:rgb(${c.color.map((v) => Math.round(v)).join(',')})"></i>${escapeHtml(c.name)}</span>`).join('')}</div>`;
}

/** A colour bar with its range and what the range is: the same for every image (fixed) or this image's own. */
function colorBar(bar: string, range: readonly [number, number], unit: string, perImage: boolean): string {
  const scale = perImage ? 'per image: 0 to this image\'s max' : 'fixed: the same for every image';
  return `<div class="bar"><span>${fmt(range[0], 3)}</span><img src="${hrefOf(bar)}" alt="colour scale"><span>${fmt(range[1], 3)} ${escapeHtml(unit)}</span></div>`
    + `<div class="meta scale">${scale}</div>`;
}

const swatch = (rgb: readonly number[], name: string): string => `<span><i class="swatch" style="background:rgb(${rgb.join(',')})"></i>${escapeHtml(name)}</span>`;

/** With a label: its figures (label with the legend and each present class's IoU, error map, errors over entropy). */
function labelFigures(image: ReportImage, card: ModelCard, fig: (src: string, caption: string, extra?: string) => string): string {
  const o = image.outputs;
  if (!o?.label || !o.errors || !o.errorOverlay) return '';
  const present = image.metrics?.confusion ? presentClassIoU(image.metrics.confusion, card.classes.length) : [];
  const ious = present.length
    ? `<table class="iou"><tr><th>class in the label</th><th>IoU</th></tr>${present.map((c) => `<tr><td class="name">${swatch(card.classes[c.index]?.color ?? IGNORE_RGB, card.classes[c.index]?.name ?? String(c.index))}</td><td>${fmt(c.iou)}</td></tr>`).join('')}</table>`
    : '';
  return fig(o.label, 'Label (ground truth, class colours)', `<div class="legend">${swatch(IGNORE_RGB, 'ignored')}</div>${ious}`)
    + fig(o.errors, 'Errors against the label', `<div class="legend">${swatch(WRONG_RGB, 'wrong')}${swatch(RIGHT_RGB, 'right')}${swatch(IGNORE_RGB, 'ignored')}</div>`)
    + fig(o.errorOverlay, 'Predictive entropy with the edges of the wrong regions', `<div class="legend">${swatch(EDGE_RGB, 'edge of a wrong region')}</div>`);
}

/** One image's section: photo, class map with legend, heatmaps with colour bars, overlay; with a label, its figures. */
export function imageSection(image: ReportImage, card: ModelCard, colorBarPath: string): string {
  const o = image.outputs;
  const r = image.ranges;
  if (!o?.photo || !r) return '';
  // reports made before --scale scaled mutual information and variance per image
  const perImage = (r.scale ?? 'image') === 'image';
  const fig = (src: string, caption: string, extra = ''): string =>
    `<figure><a href="${hrefOf(src)}" target="_blank" title="open full size"><img src="${hrefOf(src)}" alt="${escapeHtml(caption)}" loading="lazy"></a><figcaption>${escapeHtml(caption)}</figcaption>${extra}</figure>`;
  return `<section id="${escapeHtml(image.id)}"><h2>${escapeHtml(image.file)}</h2>
<p class="meta">${image.width}×${image.height} px · mean entropy ${fmt(image.meanEntropy)} · mean MI ${fmt(image.meanMutualInformation)} · mean variance ${fmt(image.meanVariance, 6)} · ${image.samples ?? '–'} samples · ${fmt(image.ms, 0)} ms</p>
<div class="grid">${fig(o.photo, 'Photo')}${fig(o.classMap, 'Predicted classes (argmax of the mean softmax)', legendHtml(card))}
${fig(o.entropy, 'Predictive entropy H[E p] (nats)', colorBar(colorBarPath, r.entropy, 'nats', false))}
${fig(o.mutualInformation, 'Mutual information (epistemic, nats)', colorBar(colorBarPath, r.mutualInformation, 'nats', perImage))}
${fig(o.variance, 'Mean class variance over the MC samples', colorBar(colorBarPath, r.variance, '', perImage))}
${o.variationRatio && r.variationRatio ? fig(o.variationRatio, 'Variation ratio (share of samples whose class is not the most frequent)', colorBar(colorBarPath, r.variationRatio, '', false)) : ''}
${o.setSize && r.setSize ? fig(o.setSize, `Conformal set size (classes per pixel; mean ${fmt(image.conformal?.meanSetSize ?? 0, 3)}${typeof image.conformal?.coverage === 'number' ? `, coverage ${fmt(image.conformal.coverage, 4)}` : ''})`, colorBar(colorBarPath, r.setSize, 'classes', false)) : ''}
${fig(o.overlay, 'Classes over the photo')}
${labelFigures(image, card, fig)}</div></section>`;
}

/** index.html: summary, sortable table of images, per-image sections, errors, extra sections. */
/** @param overview [''] HTML placed first under the title (overview.ts's writeOverview) */
export function reportHtml(summary: ReportSummary, card: ModelCard, colorBarPath: string, extraSections: readonly string[] = [], overview = ''): string {
  const m = summary.metrics;
  const metricsBlock = m ? `<h2>Accuracy against labels</h2><table><tr><th>global accuracy</th><th>class-average accuracy</th><th>mean IoU</th></tr>
<tr><td>${fmt(m.globalAccuracy)}</td><td>${fmt(m.classAverageAccuracy)}</td><td>${fmt(m.meanIoU)}</td></tr></table>` : '';
  // --conformal's numbers (lib/conformal/apply.ts ConformalMetrics), read here without its type: report sits below conformal
  const cm = m?.conformal as { coverage: number | null; meanSetSize: number; ambiguous: number; images: number } | undefined;
  const conformalBlock = cm ? `<h2>Conformal prediction sets</h2><p>coverage ${fmt(cm.coverage)} over ${cm.images} images (mean of each image's share of labelled pixels whose class is in its set) · mean set size ${fmt(cm.meanSetSize, 3)} · pixels with more than one class ${fmt(cm.ambiguous)}</p>` : '';
  const hasLabels = summary.images.some((i) => i.metrics);
  const rows = summary.images.map((i) => `<tr><td data-v="${escapeHtml(i.file)}">${i.outputs?.thumbnail ? `<a href="#${escapeHtml(i.id)}"><img class="thumb" src="${hrefOf(i.outputs.thumbnail)}" srcset="${hrefOf(i.outputs.thumbnail)} 2x" alt="" loading="lazy"></a>` : ''}</td>
<td class="name" data-v="${escapeHtml(i.file)}">${i.outputs?.photo ? `<a href="#${escapeHtml(i.id)}">${escapeHtml(i.file)}</a>` : escapeHtml(i.file)}</td>
<td data-v="${i.meanEntropy}">${fmt(i.meanEntropy)}</td><td data-v="${i.meanMutualInformation}">${fmt(i.meanMutualInformation)}</td>
<td data-v="${i.meanVariance}">${fmt(i.meanVariance, 6)}</td><td data-v="${i.meanConfidence}">${fmt(i.meanConfidence)}</td>
${hasLabels ? `<td data-v="${i.metrics?.globalAccuracy ?? ''}">${fmt(i.metrics?.globalAccuracy)}</td>` : ''}<td data-v="${i.samples ?? ''}">${i.samples ?? '–'}</td><td data-v="${i.ms}">${fmt(i.ms, 0)}</td></tr>`).join('\n');
  const errors = summary.errors.length
    ? `<h2>Errors (${summary.errors.length})</h2><ul class="errors">${summary.errors.map((e) => `<li><code>${escapeHtml(e.file)}</code>: ${escapeHtml(e.message)}</li>`).join('')}</ul>` : '';
  return pageHtml('segnet-uq report', `<h1>segnet-uq uncertainty report</h1>
<p class="meta">model <code>${escapeHtml(summary.model.name)}</code> · ${escapeHtml(samplesMeta(summary.samples))} · seed ${summary.seed} · ${summary.images.length} images · ${summary.errors.length} errors · ${escapeHtml(summary.createdAt)}</p>
${summary.model.deterministic ? '<p class="errors">This model has no dropout before its output: every sample is identical.</p>' : ''}
${overview}${legendHtml(card)}${metricsBlock}${conformalBlock}${samplesSectionHtml(summary.samples, summary.images)}
<h2>Images</h2><p class="meta">Click a column to sort.</p>
<div class="table-wrap"><table class="sortable"><thead><tr><th>view</th><th>file</th><th>mean entropy</th><th>mean MI</th><th>mean variance</th><th>mean confidence</th>${hasLabels ? '<th>pixel accuracy</th>' : ''}<th>N</th><th>ms</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${extraSections.join('\n')}
${errors}
${summary.images.map((i) => imageSection(i, card, colorBarPath)).join('\n')}
<script>${SORT_SCRIPT}</script>`);
}
