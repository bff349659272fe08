/** samples.json's rows as the table the CLI prints (and `merge` of samples shards). */
import type { SamplesResult } from './formats';

export function formatSamplesTable(result: SamplesResult): string {
  const f = (v: number | null, d = 4): string => (v === null ? '–' : v.toFixed(d));
  const head = ['N', 'mIoU', 'accuracy', 'ECE', 'entropy', 'MI', 'agreement', 'ms/image'];
  const all = result.auto ? [...result.rows, result.auto] : result.rows;
  const rows = all.map((r) => [r === result.auto ? `auto (mean ${r.samples.toFixed(1)})` : String(r.samples), f(r.meanIoU), f(r.globalAccuracy), f(r.ece), f(r.meanEntropy),
    f(r.meanMutualInformation, 5), f(r.agreement), f(r.msPerImage, 0)]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
