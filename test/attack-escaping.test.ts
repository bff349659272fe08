/**
 * Names that would act in the outputs people open (issue 25, part 10): a ranking.csv cell that
 * starts like a spreadsheet formula, and file names with HTML or Markdown in summary.md (posted
 * as a pull-request comment), which rendered before.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditMarkdown, markdownText } from '../lib/audit/markdown';
import { csvField } from '../lib/report/ranking';
import type { AuditResult } from '../lib/report/formats';

test('ranking.csv: a cell starting with = + - @ tab or CR is prefixed with an apostrophe (OWASP), then quoted as CSV', () => {
  assert.is(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.is(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.is(csvField('+1.png'), "'+1.png");
  assert.is(csvField('-2.png'), "'-2.png");
  assert.is(csvField('\tx.png'), "'\tx.png");
  assert.is(csvField('a,b.png'), '"a,b.png"');
  assert.is(csvField('photos/a=b.png'), 'photos/a=b.png', 'an = inside a name is harmless');
});

test('summary.md: the image-set warning shows names as text, not HTML or links', () => {
  assert.is(markdownText('<img src=x onerror=alert(1)>.png'), '&lt;img src=x onerror=alert\\(1\\)&gt;.png');
  assert.is(markdownText('[click](http://evil)`x`|*b*\nnext'), '\\[click\\]\\(http://evil\\)\\`x\\`\\|\\*b\\* next');
  const r = {
    passed: true, failOnWarn: false, gates: [], inputErrors: [], images: 1, labelledImages: 1, baseline: null,
    warnings: ['--baseline b/audit.json: the image sets differ: 1 only in this run (<script>alert(1)</script>.png)'],
    run: { card: 'm`x', classes: ['<b>road</b>'], ignoreIndex: null, samples: 5 }, worstImages: {}, slices: [], sliceDrift: [], imageRecords: [],
    metrics: { perClass: [{ index: 0, iou: 0.5 }] }, cost: { samples: 5, totalMs: null, msPerImage: null }, msPerImage: null,
  } as unknown as AuditResult;
  let md = '';
  try {
    md = auditMarkdown(r);
  } catch (err) {
    assert.unreachable(`auditMarkdown threw: ${(err as Error).message}`);
  }
  assert.not.match(md, '<script>');
  assert.match(md, '> ⚠️ --baseline b/audit.json: the image sets differ: 1 only in this run \\(&lt;script&gt;alert\\(1\\)&lt;/script&gt;.png\\)');
  assert.not.match(md, '<b>road</b>');
});

test.run();
