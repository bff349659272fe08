import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateGate, parseGateFlag, resolveGates } from '../lib/audit/gates';
import { auditMarkdown } from '../lib/audit/markdown';
import { auditPageHtml } from '../lib/audit/page';
import type { AuditResult } from '../lib/report/formats';
import type { MetricSummary } from '../lib/metrics/types';

const md = suite('auditMarkdown');

function result(classes: number, gates: number, names: string[] = []): AuditResult {
  const classNames = Array.from({ length: classes }, (_, k) => names[k] ?? `class ${k}`);
  const metrics = { meanIoU: 0.5, perClass: classNames.map((_, index) => ({ index, iou: 0.5 })), calibration: { ece: 0.01 } } as unknown as MetricSummary;
  const run = { metrics, classes: classNames, msPerImage: 100 };
  const specs = Array.from({ length: gates }, (_, i) => parseGateFlag(i % 2 ? 'warn-max-drop' : 'max-drop', `meanIoU=${i / 100}`));
  const defs = resolveGates(specs, classNames);
  const base = { ...run, metrics: { ...metrics, meanIoU: 0.52 } as MetricSummary };
  const entry = (file: string) => ({ file, value: 0.1, meanIoU: 0.1, meanEntropy: 0.3, confidentWrong: 0.25 });
  return {
    gates: specs.map((s, i) => evaluateGate(s, defs[i], { run, baseline: base, slices: [], overall: {} })), failOnWarn: false,
    inputErrors: [], warnings: ['--baseline b: the image sets differ: 1 only in the baseline (x | y.png)'], images: 10, labelledImages: 10,
    run: { card: 'card', classes: classNames, ignoreIndex: null, samples: 4 }, metrics, msPerImage: 100,
    cost: { samples: 4, totalMs: 1000, msPerImage: 100 },
    baseline: { file: '/b/audit.json', kind: 'audit', imageSet: null, metrics: base.metrics },
    worstImages: { lowestIoU: ['a|b.png', 'c.png', 'd.png', 'e.png'].map(entry), mostUncertain: [entry('m.png')] },
  } as unknown as AuditResult;
}

md('a readable comment: verdict, gates with glyphs, classes, worst images, cost', () => {
  const text = auditMarkdown(result(3, 3));
  assert.match(text, /^## segnet-uq audit: ❌ failed \(1 of 3 gates broken, 1 warning\)/);
  assert.match(text, /\| mIoU drop <= 0 vs baseline \| 0.5 \| 0.52 \| -0.02 \| -0 \| ❌ fail \|/);
  assert.match(text, /\| mIoU drop <= 0.01 vs baseline · warn only \| .* ⚠️ warn \|/);
  assert.match(text, /\| mIoU drop <= 0.02 vs baseline .* ✅ pass \|/);
  assert.match(text, /\| `a\\\|b.png` \| 0.1000 \| 0.3000 \| 25.0% \|/, 'pipes in names are escaped');
  assert.not.match(text, /e\.png/, 'three worst images only');
  assert.match(text, /- most uncertain \(mean entropy\): `m.png` \(0.100\)/);
  assert.match(text, /\*\*Cost\*\*: 100 ms per image/);
  assert.match(text, /> ⚠️ .*x \\\| y.png/);
});

md('at most about 60 lines whatever the number of gates and classes', () => {
  const lines = auditMarkdown(result(200, 100)).split('\n').length;
  assert.ok(lines <= 60, `${lines} lines`);
  assert.match(auditMarkdown(result(200, 100)), /\(88 more gates in audit.json\)/);
  assert.match(auditMarkdown(result(200, 100)), /\(184 more classes in audit.json\)/);
});
md('numbers by kind: a msPerImage gate in whole ms (was 3000.0000 / 3572.3460); a slice gate in its own table, the whole set not under "baseline"', () => {
  const r = result(3, 0);
  const classes = r.run.classes;
  const specs = [parseGateFlag('max', 'msPerImage=3000'), parseGateFlag('max-slice-gap', 'meanIoU=0.05')];
  const defs = resolveGates(specs, classes);
  const run = { metrics: r.metrics, classes, msPerImage: 3572.346 };
  const ctx = { run, baseline: null, slices: [{ name: '0016E5', images: 3, values: { meanIoU: 0.5482 } }], overall: { meanIoU: 0.6322 } };
  const gates = specs.map((s, i) => evaluateGate(s, defs[i], ctx));
  assert.match(gates[0].message, /measured 3572, bound <= 3000: broken/);
  const text = auditMarkdown({ ...r, gates, baseline: null } as AuditResult);
  assert.match(text, /\| ms per image <= 3000 \| 3572 \| – \| – \| ≤ 3000 \| ❌ fail \|/);
  assert.not.match(text, /3000\.0|3572\.3/);
  assert.match(text, /\| slice gate \| worst slice \| slice value \| whole set \| slice − whole set \| allowed \| verdict \|\n.*\n\| mIoU worst-slice gap <= 0.05 \| 0016E5 \| 0.5482 \| 0.6322 \| -0.084 \| gap ≤ 0.05 \| ❌ fail \|/);
  const runTable = text.slice(text.indexOf('| gate |'), text.indexOf('| slice gate |'));
  assert.not.match(runTable, /0\.6322/, 'the whole set is not in the baseline column');
  // audit.html: the same two tables
  const html = auditPageHtml({ ...r, gates, baseline: null, slices: [], sliceDrift: [], worstImages: {}, createdAt: 'now' } as unknown as AuditResult, () => null);
  assert.match(html, /<th>slice gate<\/th><th>worst slice<\/th><th>slice value<\/th><th>whole set<\/th><th>slice − whole set<\/th>/);
  assert.match(html, /<td class="name">0016E5<\/td><td>0\.5482<\/td><td>0\.6322<\/td><td>-0\.084<\/td>/);
  assert.match(html, /<td class="name">ms per image &lt;= 3000<\/td><td>3572<\/td><td>–<\/td><td>–<\/td>/);
});
md.run();
