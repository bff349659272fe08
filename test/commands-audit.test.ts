import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  auditCalibrationFile,
  auditExitCode,
  checkThresholds,
  escapeXml,
  junitXml,
  loadAuditConfig,
  parseClassIou,
  runAudit,
  type AuditOptions,
  type AuditResult,
  type AuditThresholds,
} from '../lib/commands/audit';
import { CLASS_NAMES, makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 2 });
const out = path.join(project.dir, 'audit');
const base = (thresholds: AuditThresholds, extra: Partial<AuditOptions> = {}): AuditOptions =>
  ({ model: project.model, card: project.card, inputs: [project.images], labels: project.labels, out, samples: 3, thresholds, ...extra });

/**
 * A small XML well-formedness check: one root, tags nest and close, attribute values quoted
 * without raw '<' or '&' outside entities, text without raw '<' or stray '&'.
 */
function assertWellFormedXml(xml: string): void {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  while (rest.length > 0) {
    if (rest[0] === '<') {
      const m = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
      assert.ok(m, `bad tag at: ${rest.slice(0, 60)}`);
      if (!m) return;
      for (const v of m[3].matchAll(/="([^"]*)"/g)) {
        for (let i = v[1].indexOf('&'); i >= 0; i = v[1].indexOf('&', i + 1)) assert.ok(ENTITY.test(v[1].slice(i)), `bad entity in ${v[1]}`);
      }
      if (m[1]) assert.is(stack.pop(), m[2], 'closing tag matches');
      else if (!m[4]) {
        if (stack.length === 0) roots++;
        stack.push(m[2]);
      } else if (stack.length === 0) roots++;
      rest = rest.slice(m[0].length);
    } else {
      const end = rest.indexOf('<');
      const text = end < 0 ? rest : rest.slice(0, end);
      if (stack.length === 0) assert.is(text.trim(), '', 'no text outside the root');
      for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) assert.ok(ENTITY.test(text.slice(i)), `bad entity in text ${text}`);
      rest = end < 0 ? '' : rest.slice(end);
    }
  }
  assert.is(stack.length, 0, 'every tag closed');
  assert.is(roots, 1, 'one root element');
}

let measured: AuditResult;

// ---------------------------------------------------------------------------------------------
const flags = suite('thresholds and config');

flags('parseClassIou splits at the last "="', () => {
  assert.equal(parseClassIou('Road=0.8'), ['Road', 0.8]);
  assert.equal(parseClassIou('a=b=0.5'), ['a=b', 0.5]);
  assert.throws(() => parseClassIou('Road'), /CLASS=VALUE/);
  assert.throws(() => parseClassIou('Road='), /CLASS=VALUE/);
  assert.throws(() => parseClassIou('=0.5'), /CLASS=VALUE/);
});

flags('checkThresholds: at least one, fractions in 0..1', () => {
  assert.throws(() => checkThresholds({}), /no threshold given/);
  assert.throws(() => checkThresholds({ minMiou: 1.5 }), /--min-miou must be a number in 0..1, got 1.5/);
  assert.throws(() => checkThresholds({ minClassIou: { Road: -1 } }), /--min-class-iou Road/);
  assert.throws(() => checkThresholds({ maxMsPerImage: -3 }), /--max-ms-per-image/);
  assert.ok(checkThresholds({ minClassIou: { Road: 0.5 } }));
});

flags('config file: flag names as keys; unknown keys and bad JSON refused', () => {
  const file = path.join(project.dir, 'audit.json');
  writeFileSync(file, JSON.stringify({ 'min-miou': 0.1, 'max-ece': 0.5, 'min-class-iou': { Tree: 0.2 } }));
  assert.equal(loadAuditConfig(file), { minMiou: 0.1, maxEce: 0.5, minClassIou: { Tree: 0.2 } });
  writeFileSync(file, JSON.stringify({ 'min-mIoU': 0.1 }));
  assert.throws(() => loadAuditConfig(file), /unknown key 'min-mIoU'/);
  writeFileSync(file, '{');
  assert.throws(() => loadAuditConfig(file), /not valid JSON/);
  assert.throws(() => loadAuditConfig(file + '.none'), /cannot read \(ENOENT\)/);
});

flags.run();

// ---------------------------------------------------------------------------------------------
const audit = suite('runAudit exit semantics');

audit('measure: permissive thresholds pass (exit 0), files written', async () => {
  measured = await runAudit(base({ minMiou: 0, minGlobalAccuracy: 0, maxEce: 1, minPavpu: 0, maxMsPerImage: 1e9, minClassIou: { [CLASS_NAMES[0]]: 0 } }));
  assert.is(measured.checks.length, 6);
  assert.ok(measured.passed);
  assert.is(auditExitCode(measured), 0);
  assert.is(measured.labelledImages, 2);
  const json = JSON.parse(readFileSync(path.join(out, 'audit.json'), 'utf8')) as AuditResult;
  assert.equal(json.checks, JSON.parse(JSON.stringify(measured.checks)));
  assertWellFormedXml(readFileSync(path.join(out, 'junit.xml'), 'utf8'));
});

audit('a threshold just beyond the measured value fails (exit 1); just inside passes (exit 0)', async () => {
  const value = (key: string): number => measured.checks.find((c) => c.key === key)?.measured as number;
  const eps = 1e-9;
  const miou = value('min-miou'), acc = value('min-global-accuracy'), ece = value('max-ece'), pavpu = value('min-pavpu');
  const cls = measured.checks.find((c) => c.key === 'min-class-iou')?.measured as number;
  const failing = await runAudit(base({ minMiou: miou + eps, minGlobalAccuracy: acc + eps, maxEce: ece - eps, minPavpu: pavpu + eps, minClassIou: { [CLASS_NAMES[0]]: cls + eps } }));
  assert.equal(failing.checks.map((c) => c.passed), [false, false, false, false, false]);
  assert.is(auditExitCode(failing), 1);
  for (const c of failing.checks) assert.match(c.message, /^measured .*, threshold (>=|<=) .*: fails$/);
  const passing = await runAudit(base({ minMiou: miou - eps, minGlobalAccuracy: acc - eps, maxEce: ece + eps, minPavpu: pavpu - eps, minClassIou: { [CLASS_NAMES[0]]: cls - eps } }));
  assert.equal(passing.checks.map((c) => c.passed), [true, true, true, true, true]);
  assert.is(auditExitCode(passing), 0);
  // one failing among passing ones still fails the audit
  const mixed = await runAudit(base({ minMiou: miou - eps, maxEce: ece - eps }));
  assert.equal(mixed.checks.map((c) => c.passed), [true, false]);
  assert.is(auditExitCode(mixed), 1);
  const xml = readFileSync(path.join(out, 'junit.xml'), 'utf8');
  assertWellFormedXml(xml);
  assert.match(xml, /tests="3" failures="1" errors="0"/);
  assert.is((xml.match(/<failure /g) ?? []).length, 1);
});

audit('JUnit: hostile class names are escaped; a failure names measured vs threshold', async () => {
  const result = await runAudit(base({ minClassIou: { [CLASS_NAMES[1]]: 1, [CLASS_NAMES[0]]: 0 } }));
  const xml = junitXml(result);
  assertWellFormedXml(xml);
  assert.match(xml, /IoU of Road &amp; &quot;lane&quot; &gt;= 1/);
  assert.match(xml, /IoU of Sky &lt;b&gt; &gt;= 0/);
  assert.match(xml, /<failure type="threshold" message="measured [0-9.e-]+, threshold &gt;= 1: fails">/);
  assert.is(escapeXml('a\u0001b<&'), 'ab&lt;&amp;');
});

audit('an image without a label is an input error: exit 2 and an erroring test case', async () => {
  const images = path.join(project.dir, 'images-extra');
  mkdirSync(images, { recursive: true });
  copyFileSync(project.files[0], path.join(images, 'img-0.png'));
  copyFileSync(project.files[1], path.join(images, 'unlabelled.png'));
  const result = await runAudit(base({ minMiou: 0 }, { inputs: [images] }));
  assert.ok(result.passed, 'the threshold itself holds');
  assert.is(auditExitCode(result), 2);
  const xml = readFileSync(path.join(out, 'junit.xml'), 'utf8');
  assertWellFormedXml(xml);
  assert.match(xml, /errors="1"/);
  assert.match(xml, /unlabelled.png/);
});

audit('--from: a finished run\'s calibration.json is audited without the model, with the same checks', async () => {
  const fromOut = path.join(project.dir, 'audit-from');
  const thresholds = { minMiou: 0, minGlobalAccuracy: 0, maxEce: 1, minPavpu: 0, minClassIou: { [CLASS_NAMES[0]]: 0 } };
  const ran = await runAudit(base(thresholds));
  const fromFile = auditCalibrationFile({ from: out, thresholds, out: fromOut });
  assert.equal(fromFile.checks, ran.checks);
  assert.is(fromFile.labelledImages, ran.labelledImages);
  assert.is(auditExitCode(fromFile), 0);
  assert.equal(JSON.parse(readFileSync(path.join(fromOut, 'audit.json'), 'utf8')).checks, JSON.parse(JSON.stringify(ran.checks)));
  assert.throws(() => auditCalibrationFile({ from: out, thresholds: { maxMsPerImage: 1 }, out: fromOut }), /--max-ms-per-image needs sampling times/);
  assert.throws(() => auditCalibrationFile({ from: path.join(project.dir, 'none'), thresholds, out: fromOut }), /none.calibration\.json: no such file/);
});

audit('EXPECTED FAILURE: usage errors throw before sampling', async () => {
  for (const [thresholds, pattern] of [
    [{}, /no threshold given/],
    [{ minClassIou: { Bus: 0.3 } }, /no class 'Bus' in the model card \(classes: Sky <b>/],
  ] as const) {
    try {
      await runAudit(base(thresholds as AuditThresholds));
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, pattern);
    }
  }
});

audit.after(() => project.cleanup());
audit.run();
