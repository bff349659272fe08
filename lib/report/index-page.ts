/** OUT/index.html of a report run, or of a merge of its shards: the overview charts, the image table, extra sections. */
import { insideOutput, writeFileAtomic } from '../atomic';
import type { ModelCard } from '../model/types';
import { reportHtml } from './html';
import { writeOverview } from './overview';
import type { ReportSummary } from './summary';

/** @param sections HTML after the image table (calibrate's, the shards') */
export function writeIndexPage(out: string, summary: ReportSummary, card: ModelCard, colorBar: string, sections: readonly string[]): void {
  writeFileAtomic(insideOutput(out, 'index.html'), reportHtml(summary, card, colorBar, sections, writeOverview(out, summary)));
}
