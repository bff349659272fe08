import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { GateResult, Severity } from '../lib/report/formats';
import { escapeXml, junitXml } from '../lib/audit/junit';

const gate = (name: string, severity: Severity, passed: boolean): GateResult => ({
  name, metric: 'meanIoU', label: 'mIoU', kind: 'min', severity, threshold: 0.5, allowedChange: null, measured: 0.4, baseline: null, change: null,
  passed, message: passed ? 'holds' : `measured 0.4 < 0.5 & "broken"`,
});
const gates = [gate('mIoU >= 0.1', 'fail', true), gate('mIoU <b>', 'warn', false), gate('ECE <= 0.1', 'fail', false)];

const s = suite('junitXml');
s('one case per gate and one for the inputs; a broken fail gate fails, a broken warn gate passes with WARN output', () => {
  const xml = junitXml({ createdAt: '2026-01-02T03:04:05Z', gates, failOnWarn: false, inputErrors: [], warnings: ['image sets differ'] });
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="segnet-uq audit" tests="4" failures="1" errors="0">/);
  assert.match(xml, /<testsuite name="segnet-uq audit" tests="4" failures="1" errors="0" skipped="0" timestamp="2026-01-02T03:04:05Z">/);
  assert.is((xml.match(/<testcase /g) ?? []).length, 4);
  assert.match(xml, /<testcase classname="segnet-uq.audit.fail" name="mIoU &gt;= 0.1"><\/testcase>/);
  assert.match(xml, /name="mIoU &lt;b&gt;">\n {6}<system-out>WARN: measured 0.4 &lt; 0.5 &amp; &quot;broken&quot;<\/system-out>/);
  assert.match(xml, /name="ECE &lt;= 0.1">\n {6}<failure type="gate" message="measured 0.4 &lt; 0.5 &amp; &quot;broken&quot;">/);
  assert.match(xml, /<testcase classname="segnet-uq.audit" name="inputs scored"><\/testcase>/);
  assert.match(xml, /<system-out>WARN: image sets differ<\/system-out>\n {2}<\/testsuite>\n<\/testsuites>\n$/);
});
s('--fail-on-warn: the broken warn gate fails too; input errors are one erroring case listing them', () => {
  const xml = junitXml({ createdAt: 'T', gates, failOnWarn: true, inputErrors: [{ file: 'a.png', message: 'no label' }, { file: 'b.png', message: 'bad' }] });
  assert.match(xml, /tests="4" failures="2" errors="1"/);
  assert.match(xml, /<failure type="warning \(--fail-on-warn\)"/);
  assert.match(xml, /<error type="input" message="2 inputs could not be scored">a.png: no label\nb.png: bad<\/error>/);
  assert.not.match(xml, /<system-out>WARN: image/);
});
s('escapeXml: the five entities, and characters XML 1.0 cannot hold dropped', () => {
  assert.is(escapeXml(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
  assert.is(escapeXml('x\u0000\u0007y\tz\n\uFFFE'), 'xy\tz\n');
});
s.run();
