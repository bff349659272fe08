/**
 * An audit's files: OUT/audit.html, audit.json (readable back as a --baseline), junit.xml,
 * summary.md (a pull-request comment) and the worst images' thumbnails under OUT/audit-images/
 * (inlined into the page with --single-file).
 */
import { insideOutput, writeFileAtomic } from '../atomic';
import { junitXml } from './junit';
import { auditMarkdown } from './markdown';
import { auditPageHtml, SINGLE_FILE_BUDGET_BYTES } from './page';
import type { AuditResult } from '../report/formats';
import type { WorstImages } from './worst-images';
import { auditSchema } from '../report/format-schemas';
import { writeJsonChecked } from '../report/write-checked';

/**
 * Writes the files; returns the result as audit.json holds it. The page is made first: a page
 * over the --single-file budget is a warning the other files carry.
 */
export function writeAuditFiles(out: string, result: AuditResult, worst: WorstImages | null, singleFile: boolean): AuditResult {
  const thumbs = new Map<string, string>();
  for (const t of worst?.thumbnails() ?? []) {
    const key = `${t.list}/${t.rank}`;
    if (singleFile) thumbs.set(key, `data:image/png;base64,${t.png.toString('base64')}`);
    else {
      const rel = `audit-images/${t.list}-${t.rank}.png`;
      writeFileAtomic(insideOutput(out, rel), t.png);
      thumbs.set(key, rel);
      t.entry.thumbnail = rel; // the entry is the one result.worstImages lists: audit.json names the file
    }
  }
  const html = auditPageHtml(result, (list, rank) => thumbs.get(`${list}/${rank}`) ?? null);
  const bytes = Buffer.byteLength(html);
  const written = singleFile && bytes > SINGLE_FILE_BUDGET_BYTES
    ? { ...result, warnings: [...result.warnings, `audit.html is ${bytes} bytes, over the ${SINGLE_FILE_BUDGET_BYTES}-byte budget of --single-file`] } : result;
  writeFileAtomic(insideOutput(out, 'audit.html'), html);
  writeJsonChecked(insideOutput(out, 'audit.json'), written, auditSchema);
  writeFileAtomic(insideOutput(out, 'junit.xml'), junitXml(written));
  writeFileAtomic(insideOutput(out, 'summary.md'), auditMarkdown(written));
  return written;
}
