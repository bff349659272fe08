/**
 * anomaly.json of the shards of one `anomaly` (or `audit --anomaly-labels`) run: the pixel
 * histograms add up; the component metrics are taken again at the merged best-F1 threshold over
 * every shard's kept bins (.anomaly-bins/), so the merge gives one run's numbers.
 */
import * as path from 'path';
import { writeAnomalyCharts } from '../anomaly/charts';
import { anomalySectionHtml } from '../anomaly/html';
import { mergeAnomalyHistograms, anomalyHistogramFromJSON, type AnomalyHistogram } from '../anomaly/pixel-stats';
import { anomalyReport, writeAnomalyReport, type AnomalyReport } from '../anomaly/report-file';
import { ANOMALY_KINDS } from '../anomaly/scores';
import { BinStore } from '../anomaly/bin-store';
import { measureAnomaly, type AnomalyImage } from '../anomaly/sink';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';
import type { ReportSummary } from '../report/summary';
import { any, arr, checkFile, int, obj, str } from '../schema';
import type { LoadedShard } from './merge-checks';

const shardFile = obj({
  labels: str, panelScore: str, sizes: obj({ minPredicted: int(1), minAnomaly: int(1) }),
  perImage: arr(obj({ file: str, label: str, anomalyPixels: int(0), inlierPixels: int(0) }, { panel: str })), stats: obj({ histograms: arr(any) }),
});

/** Merges the shards' anomaly.json into OUT/anomaly.json (charts with `images`); returns it and its index.html section. */
export function mergeAnomaly(shards: readonly LoadedShard[], out: string, summary: ReportSummary, images: boolean): { report: AnomalyReport; section: string } {
  const loaded = shards.map((s) => {
    const file = path.join(s.dir, 'anomaly.json');
    return { dir: s.dir, file, content: checkFile(file, readJsonFile(file), shardFile) };
  });
  const first = loaded[0];
  let histograms: AnomalyHistogram[] | null = null;
  const perImage: AnomalyImage[] = [];
  for (const l of loaded) {
    const c = l.content;
    if (JSON.stringify(c.sizes) !== JSON.stringify(first.content.sizes) || c.labels !== first.content.labels) {
      throw new FileError(l.file, `scored with other anomaly labels or size filters (${c.labels}, ${JSON.stringify(c.sizes)}) than ${first.file}`);
    }
    const own = ANOMALY_KINDS.map((kind, k) => {
      const h = anomalyHistogramFromJSON(c.stats.histograms[k]);
      if (h.kind !== kind) throw new FileError(l.file, `stats.histograms[${k}] is ${h.kind}, expected ${kind}`);
      return h;
    });
    histograms = histograms ? histograms.map((h, k) => mergeAnomalyHistograms(h, own[k])) : own;
    // panels stay in the shard folders: linked from OUT
    perImage.push(...c.perImage.map((i) => ({ ...i, ...(i.panel ? { panel: path.relative(out, path.join(l.dir, i.panel)) } : {}) })));
  }
  const { sizes, labels } = first.content;
  const measures = measureAnomaly(histograms as AnomalyHistogram[], loaded.map((l) => BinStore.open(l.dir)), sizes, perImage);
  const curves = Object.fromEntries(Object.entries(measures.scores).map(([k, s]) => [k, s.curves]));
  const charts = images ? writeAnomalyCharts(out, curves) : null;
  const report = anomalyReport(summary, measures, { labels, sizes, panelScore: first.content.panelScore as AnomalyReport['panelScore'] }, charts);
  writeAnomalyReport(out, report);
  return { report, section: anomalySectionHtml(report) };
}
