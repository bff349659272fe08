/**
 * The fit's section of the conformal run's index.html: what was promised (method, risk, alpha),
 * the threshold(s), and the calibration images' numbers by class and by object size, so a class
 * that a pooled promise leaves uncovered shows. Class names are escaped.
 */
import { escapeHtml } from '../report/html';
import type { ConformalFile } from './file';

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  `<table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;

export function conformalSectionHtml(c: ConformalFile): string {
  if (c.shard) return `<h2>Conformal sets</h2><p>A shard's statistics: <code>segnet-uq merge</code> the shards to fit.</p>`;
  const set = c.method === 'lac' ? '{c : p<sub>c</sub> &ge; threshold} plus the top class' : 'the classes by probability until the mass before the next passes 1 &minus; threshold (top class first)';
  const classes = table(['class', 'images', 'threshold', 'coverage', ...(c.mondrian ? ['own threshold'] : [])], c.perClass.map((p) => [
    escapeHtml(p.class), String(p.images), fmt(p.threshold, 6), fmt(p.coverage), ...(c.mondrian ? [p.certified ? 'yes' : 'no: too few images, pooled threshold'] : []),
  ]));
  const sizes = c.bySize ? `<h3>Coverage by object size (share of the image)</h3>${table(['object size', 'images', 'coverage'], c.bySize.map((b) => [escapeHtml(b.bin), String(b.images), fmt(b.coverage)]))}` : '';
  return `<h2>Conformal sets</h2>
<p>${escapeHtml(c.method.toUpperCase())} sets ${set}; risk <code>${escapeHtml(c.risk)}</code> &le; ${c.alpha}${c.mondrian ? ' for every class' : ''} on images like these
(conformal risk control over ${c.images} calibration images, ${c.imagesNeeded} needed at this alpha).</p>
<table><tr><th>threshold</th><th>risk on the calibration images</th><th>mean set size</th></tr>
<tr><td>${fmt(c.threshold, 6)}</td><td>${fmt(c.calibrationRisk)}</td><td>${fmt(c.meanSetSize, 3)}</td></tr></table>
<h3>By class (coverage: mean over the images holding the class of its covered share)</h3>${classes}${sizes}`;
}
