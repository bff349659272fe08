/**
 * How the report shows the sample count: "N MC dropout samples", or for --samples auto the rule
 * and the distribution of the N each image got (a histogram table: easy frames stop early, hard
 * ones sample on).
 */
import type { ReportImage, SamplesSetting } from './summary';

/** The meta line's words for the setting ('20 MC dropout samples', 'auto MC dropout samples (...)'). */
export function samplesMeta(setting: SamplesSetting): string {
  if (typeof setting === 'number') return `${setting} MC dropout samples`;
  if (setting === 'analytic') return 'analytic MC dropout moments (one pass, no sampling)';
  const a = setting.auto;
  return `MC dropout samples auto (tolerance ${a.tolerance}, map change ${a.mapTolerance}, ${a.minSamples}–${a.maxSamples}, checked every ${a.step})`;
}

/** The setting in a few words: '20' or 'auto (tolerance 0.03, at most 50)'. */
export function samplesLabel(setting: SamplesSetting): string {
  return typeof setting === 'number' ? String(setting) : setting === 'analytic' ? 'analytic' : `auto (tolerance ${setting.auto.tolerance}, at most ${setting.auto.maxSamples})`;
}

/** count of images per N, ascending N */
export function samplesHistogram(images: readonly ReportImage[]): [number, number][] {
  const counts = new Map<number, number>();
  for (const i of images) if (i.samples !== undefined) counts.set(i.samples, (counts.get(i.samples) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

/** The N distribution section of an auto run ('' for a fixed N). */
export function samplesSectionHtml(setting: SamplesSetting, images: readonly ReportImage[]): string {
  if (typeof setting === 'number' || setting === 'analytic') return '';
  const hist = samplesHistogram(images);
  if (hist.length === 0) return '';
  const ns = images.flatMap((i) => (i.samples === undefined ? [] : [i.samples])).sort((a, b) => a - b);
  const mean = ns.reduce((a, b) => a + b, 0) / ns.length;
  const median = ns.length % 2 ? ns[(ns.length - 1) / 2] : (ns[ns.length / 2 - 1] + ns[ns.length / 2]) / 2;
  const most = Math.max(...hist.map(([, c]) => c));
  const rows = hist.map(([n, c]) => `<tr><td>${n}</td><td>${c}</td><td style="text-align:left"><span style="display:inline-block;background:#4a7;height:.8rem;width:${(12 * c / most).toFixed(2)}rem"></span></td></tr>`).join('');
  return `<h2>Samples per image (auto)</h2>
<p class="meta">Each image was sampled until its class map and uncertainty maps converged: mean N ${mean.toFixed(1)}, median ${median}, range ${ns[0]}–${ns[ns.length - 1]} over ${ns.length} images.</p>
<table><tr><th>N</th><th>images</th><th></th></tr>${rows}</table>`;
}
