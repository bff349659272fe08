/**
 * junit.xml of an audit: one test case per gate, plus an "inputs scored" case that errors when an
 * image or label could not be scored. A broken fail gate is a <failure>. A broken warn gate is a
 * PASSING case whose <system-out> starts with "WARN:" (CI stays green, the message shows in the
 * test report); with --fail-on-warn it is a <failure> like any other.
 */
import { verdictOf } from './gates';
import type { GateResult } from '../report/formats';
import type { ReportError } from '../report/summary';

/** XML text/attribute escaping; characters XML 1.0 cannot hold are dropped. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

export interface JunitInput {
  readonly createdAt: string;
  readonly gates: readonly GateResult[];
  readonly failOnWarn: boolean;
  readonly inputErrors: readonly ReportError[];
  /** baseline warnings (image-set differences): system-out of the suite */
  readonly warnings?: readonly string[];
}

function gateCase(g: GateResult, failOnWarn: boolean): string {
  const open = `    <testcase classname="segnet-uq.audit.${g.severity}" name="${escapeXml(g.name)}">`;
  const verdict = verdictOf(g, failOnWarn);
  if (verdict === 'pass') return `${open}</testcase>`;
  if (verdict === 'warn') return `${open}\n      <system-out>${escapeXml(`WARN: ${g.message}`)}</system-out>\n    </testcase>`;
  return `${open}\n      <failure type="${g.severity === 'warn' ? 'warning (--fail-on-warn)' : 'gate'}" message="${escapeXml(g.message)}">${escapeXml(g.message)}</failure>\n    </testcase>`;
}

export function junitXml(input: JunitInput): string {
  const failures = input.gates.filter((g) => verdictOf(g, input.failOnWarn) === 'fail').length;
  const errors = input.inputErrors.length > 0 ? 1 : 0;
  const tests = input.gates.length + 1;
  const cases = input.gates.map((g) => gateCase(g, input.failOnWarn));
  const inputMessage = input.inputErrors.map((e) => `${e.file}: ${e.message}`).join('\n');
  cases.push(`    <testcase classname="segnet-uq.audit" name="inputs scored">`
    + (errors ? `\n      <error type="input" message="${escapeXml(`${input.inputErrors.length} inputs could not be scored`)}">${escapeXml(inputMessage)}</error>\n    ` : '')
    + '</testcase>');
  const out = input.warnings?.length ? `\n    <system-out>${escapeXml(input.warnings.map((w) => `WARN: ${w}`).join('\n'))}</system-out>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="segnet-uq audit" tests="${tests}" failures="${failures}" errors="${errors}">
  <testsuite name="segnet-uq audit" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${escapeXml(input.createdAt)}">
${cases.join('\n')}${out}
  </testsuite>
</testsuites>
`;
}
