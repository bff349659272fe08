import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readBaseline } from '../lib/audit/baseline';
import { classIouGate, legacyGate } from '../lib/audit/config';
import { parseGateFlag, type GateSpec } from '../lib/audit/gates';
import { writeAuditFiles } from '../lib/audit/files';
import { SINGLE_FILE_BUDGET_BYTES } from '../lib/audit/page';
import type { WorstImages } from '../lib/audit/worst-images';
import type { WorstEntry } from '../lib/report/formats';
import { AUTO_DEFAULTS } from '../lib/defaults';
import { auditCalibrationFile, auditExitCode, runAudit, type AuditOptions, type AuditResult } from '../lib/commands/audit';
import { CLASS_NAMES, makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 3 });
const out = path.join(project.dir, 'audit');
const base = (gates: readonly GateSpec[], extra: Partial<AuditOptions> = {}): AuditOptions =>
  ({ model: project.model, card: project.card, inputs: [project.images], labels: project.labels, out, samples: 3, gates, ...extra });
const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');
const gate = (flag: string, spec: string): GateSpec => parseGateFlag(flag, spec);

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
const audit = suite('runAudit: bounds, exit semantics, files');

audit('measure: permissive bounds pass (exit 0); audit.json, junit.xml, summary.md, audit.html written', async () => {
  measured = await runAudit(base([legacyGate('min-miou', 0), legacyGate('min-global-accuracy', 0), legacyGate('max-ece', 1), legacyGate('min-pavpu', 0),
    legacyGate('max-ms-per-image', 1e9), classIouGate(`${CLASS_NAMES[0]}=0`)]));
  assert.is(measured.gates.length, 6);
  assert.ok(measured.passed);
  assert.is(auditExitCode(measured), 0);
  assert.is(measured.labelledImages, 3);
  const json = JSON.parse(read(out, 'audit.json')) as AuditResult;
  assert.equal(json.gates, JSON.parse(JSON.stringify(measured.gates)));
  assert.is(json.schemaVersion, 2);
  for (const g of json.gates) for (const k of ['metric', 'measured', 'baseline', 'change', 'severity', 'passed']) assert.ok(k in g, `gate has ${k}`);
  assertWellFormedXml(read(out, 'junit.xml'));
  assert.match(read(out, 'summary.md'), /^## segnet-uq audit: ✅ passed \(6 gates\)/);
  assert.ok(existsSync(path.join(out, 'audit.html')));
  // every list entry names its file, and the lists are bounded by --worst
  for (const list of ['lowestIoU', 'mostUncertain', 'confidentButWrong'] as const) {
    const entries = json.worstImages[list] ?? [];
    assert.ok(entries.length <= 5);
    for (const e of entries) assert.ok(project.files.includes(e.file), e.file);
  }
  assert.is(json.worstImages.lowestIoU?.length, 3);
  // the lowest-IoU list is sorted from the worst, and agrees with the per-image numbers of summary.json
  const ious = (json.worstImages.lowestIoU ?? []).map((e) => e.meanIoU as number);
  assert.equal(ious, [...ious].sort((a, b) => a - b));
  const summary = JSON.parse(read(out, 'summary.json')) as { images: { file: string; metrics: { meanIoU: number } }[] };
  const lowest = summary.images.reduce((a, b) => (a.metrics.meanIoU <= b.metrics.meanIoU ? a : b));
  assert.is(json.worstImages.lowestIoU?.[0].file, lowest.file);
  assert.ok(Math.abs((json.worstImages.lowestIoU?.[0].meanIoU as number) - lowest.metrics.meanIoU) < 1e-9);
});

audit('a bound just beyond the measured value breaks (exit 1); just inside holds (exit 0)', async () => {
  const value = (metric: string): number => measured.gates.find((g) => g.metric === metric)?.measured as number;
  const eps = 1e-9;
  const cls = `iou:${CLASS_NAMES[0]}`;
  const failing = await runAudit(base([gate('min', `meanIoU=${value('meanIoU') + eps}`), gate('max', `ece=${value('ece') - eps}`),
    gate('min', `pavpu=${value('pavpu:entropy') + eps}`), gate('min', `${cls}=${value(cls) + eps}`)]));
  assert.equal(failing.gates.map((g) => g.passed), [false, false, false, false]);
  assert.is(auditExitCode(failing), 1);
  for (const g of failing.gates) assert.match(g.message, /^measured .*, bound (>=|<=) .*: broken$/);
  const passing = await runAudit(base([gate('min', `meanIoU=${value('meanIoU') - eps}`), gate('max', `ece=${value('ece') + eps}`)]));
  assert.equal(passing.gates.map((g) => g.passed), [true, true]);
  assert.is(auditExitCode(passing), 0);
  const mixed = await runAudit(base([gate('min', `meanIoU=${value('meanIoU') - eps}`), gate('max', `ece=${value('ece') - eps}`)]));
  assert.is(auditExitCode(mixed), 1);
  const xml = read(out, 'junit.xml');
  assertWellFormedXml(xml);
  assert.match(xml, /tests="3" failures="1" errors="0"/);
  assert.is((xml.match(/<failure /g) ?? []).length, 1);
});

audit('JUnit: hostile class names are escaped; a failure names measured vs bound', async () => {
  await runAudit(base([classIouGate(`${CLASS_NAMES[1]}=1`), classIouGate(`${CLASS_NAMES[0]}=0`)]));
  const xml = read(out, 'junit.xml');
  assertWellFormedXml(xml);
  assert.match(xml, /IoU of Road &amp; &quot;lane&quot; &gt;= 1/);
  assert.match(xml, /IoU of Sky &lt;b&gt; &gt;= 0/);
  assert.match(xml, /<failure type="gate" message="measured [0-9.e-]+, bound &gt;= 1: broken">/);
  assert.not.match(read(out, 'audit.html'), /<b>/);
});

audit('an image without a label is an input error: exit 2 and an erroring test case', async () => {
  const images = path.join(project.dir, 'images-extra');
  mkdirSync(images, { recursive: true });
  copyFileSync(project.files[0], path.join(images, 'img-0.png'));
  copyFileSync(project.files[1], path.join(images, 'unlabelled.png'));
  const result = await runAudit(base([legacyGate('min-miou', 0)], { inputs: [images] }));
  assert.ok(result.gates[0].passed, 'the gate itself holds');
  assert.is(auditExitCode(result), 2);
  const xml = read(out, 'junit.xml');
  assertWellFormedXml(xml);
  assert.match(xml, /errors="1"/);
  assert.match(xml, /unlabelled.png/);
});

audit('writeAuditFiles: a --single-file page over its budget is a warning in audit.json, junit.xml and summary.md; thumbnails are files otherwise', () => {
  const dir = path.join(project.dir, 'audit-files');
  const entry: WorstEntry = { file: 'x.png', value: 0.1, meanIoU: 0.1, meanEntropy: 1, confidentWrong: 0 };
  const worst = { thumbnails: () => [{ list: 'lowestIoU', rank: 0, entry, png: Buffer.alloc(SINGLE_FILE_BUDGET_BYTES) }] } as unknown as WorstImages;
  const big = writeAuditFiles(dir, { ...measured, worstImages: { lowestIoU: [entry] } }, worst, true);
  const warning = big.warnings.find((w) => w.startsWith('audit.html is '));
  assert.ok(warning && new RegExp(`over the ${SINGLE_FILE_BUDGET_BYTES}-byte budget of --single-file$`).test(warning), JSON.stringify(big.warnings));
  assert.equal((JSON.parse(read(dir, 'audit.json')) as AuditResult).warnings, big.warnings);
  assert.ok(read(dir, 'junit.xml').includes(`WARN: ${warning}`));
  assert.ok(read(dir, 'summary.md').includes(warning));
  assert.ok(read(dir, 'audit.html').includes('data:image/png;base64,'));
  assert.is(measured.warnings.includes(warning), false, 'the result given is not changed');
  assert.is(entry.thumbnail, undefined, 'inlined: no thumbnail file');
  const files = writeAuditFiles(dir, { ...measured, worstImages: { lowestIoU: [entry] } }, worst, false);
  assert.is(files.warnings.some((w) => w.startsWith('audit.html is ')), false);
  assert.is(entry.thumbnail, 'audit-images/lowestIoU-0.png');
  assert.ok(existsSync(path.join(dir, 'audit-images', 'lowestIoU-0.png')));
  assert.match(read(dir, 'audit.json'), /"thumbnail": "audit-images\/lowestIoU-0.png"/);
});

audit('the card is parsed once per run (the gates are checked with it, the run samples with it)', async () => {
  const text = readFileSync(project.card, 'utf8');
  const parse = JSON.parse;
  let parses = 0;
  JSON.parse = ((s: string, reviver?: (k: string, v: unknown) => unknown) => {
    if (s === text) parses++;
    return parse(s, reviver);
  }) as typeof JSON.parse;
  try {
    await runAudit(base([legacyGate('min-miou', 0)], { out: path.join(project.dir, 'audit-once') }));
  } finally {
    JSON.parse = parse;
  }
  assert.is(parses, 1);
});

audit.run();

// ---------------------------------------------------------------------------------------------
const against = suite('runAudit against a baseline');
const baseOut = path.join(project.dir, 'baseline');

against('the same run as its own baseline: every allowed change holds (change 0), as audit.json or calibrate folder', async () => {
  await runAudit(base([legacyGate('min-miou', 0)], { out: baseOut }));
  for (const b of [baseOut, path.join(baseOut, 'audit.json'), path.join(baseOut, 'calibration.json')]) {
    const r = await runAudit(base([gate('max-drop', 'meanIoU=0'), gate('max-rise', 'ece=0'), gate('max-drop', 'auroc:mi=0'), gate('max-rise', 'ause=0')], { baseline: b }));
    assert.equal(r.gates.map((g) => g.change), [0, 0, 0, 0], b);
    assert.is(auditExitCode(r), 0);
    assert.equal(r.warnings, []);
    assert.equal(r.worstImages.changedVsBaseline?.map((e) => e.value), [0, 0, 0]);
  }
  assert.is(readBaseline(baseOut).kind, 'audit');
});

/** A copy of the baseline's audit.json with mIoU raised by `by`. */
function raisedBaseline(by: number): string {
  const json = JSON.parse(read(baseOut, 'audit.json')) as { metrics: { meanIoU: number } };
  json.metrics.meanIoU += by;
  const file = path.join(project.dir, `raised-${by}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

against('a drop beyond the allowed change fails (exit 1); as a warning it exits 0 and shows in junit.xml and summary.md', async () => {
  const baseline = raisedBaseline(0.05);
  const fail = await runAudit(base([gate('max-drop', 'meanIoU=0.01')], { baseline }));
  assert.is(fail.gates[0].passed, false);
  assert.ok(Math.abs((fail.gates[0].change as number) + 0.05) < 1e-9);
  assert.is(auditExitCode(fail), 1);
  assert.match(read(out, 'summary.md'), /\| mIoU drop <= 0.01 vs baseline \| [0-9.]+ \| [0-9.]+ \| -0.05 \| -0.01 \| ❌ fail \|/);
  const within = await runAudit(base([gate('max-drop', 'meanIoU=0.06'), gate('max-drop', 'meanIoU=10%')], { baseline }));
  assert.equal(within.gates.map((g) => g.passed), [true, within.gates[1].baseline as number * 0.1 >= 0.05]);
  const warn = await runAudit(base([gate('warn-max-drop', 'meanIoU=0.01')], { baseline }));
  assert.is(auditExitCode(warn), 0);
  const md = read(out, 'summary.md');
  assert.match(md, /^## segnet-uq audit: ⚠️ passed with 1 warning/);
  assert.match(md, /\| mIoU drop <= 0.01 vs baseline · warn only \| .* \| ⚠️ warn \|/);
  const xml = read(out, 'junit.xml');
  assertWellFormedXml(xml);
  assert.match(xml, /failures="0"/);
  assert.match(xml, /<system-out>WARN: measured/);
  const strict = await runAudit(base([gate('warn-max-drop', 'meanIoU=0.01')], { baseline, failOnWarn: true }));
  assert.is(auditExitCode(strict), 1);
  assert.match(read(out, 'junit.xml'), /failures="1"/);
});

against('EXPECTED FAILURE: a baseline of another sample count, class list or ignore index is refused before sampling', async () => {
  const json = JSON.parse(read(baseOut, 'audit.json')) as { run: { samples: number; classes: string[]; ignoreIndex: number } };
  const variants: [string, (j: typeof json) => void, RegExp][] = [
    ['samples', (j) => { j.run.samples = 7; }, /another sample count: baseline 7, this run 3/],
    ['classes', (j) => { j.run.classes = ['a', 'b', 'c', 'd']; }, /another class list: baseline \[a, b, c, d\]/],
    ['ignore', (j) => { j.run.ignoreIndex = 255; }, /another ignore index: baseline 255, this run 9/],
  ];
  for (const [name, change, pattern] of variants) {
    const copy = JSON.parse(JSON.stringify(json)) as typeof json;
    change(copy);
    const file = path.join(project.dir, `other-${name}.json`);
    writeFileSync(file, JSON.stringify(copy));
    const t0 = Date.now();
    try {
      await runAudit(base([gate('max-drop', 'meanIoU=0')], { baseline: file, out: path.join(project.dir, 'never') }));
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, pattern);
      assert.match((err as Error).message, /cannot be compared/);
    }
    assert.not.ok(existsSync(path.join(project.dir, 'never')), 'nothing was run');
    assert.ok(Date.now() - t0 < 5000);
  }
});

against('--samples auto is a sample count like any other: against a fixed-N baseline it cannot be compared, before sampling', async () => {
  try {
    await runAudit(base([gate('max-drop', 'meanIoU=0')], { baseline: baseOut, samples: 'auto', out: path.join(project.dir, 'never-auto') }));
    assert.unreachable();
  } catch (err) {
    assert.ok((err as Error).message.includes(`another sample count: baseline 3, this run auto (tolerance ${AUTO_DEFAULTS.tolerance}, at most ${AUTO_DEFAULTS.maxSamples})`), (err as Error).message);
  }
  assert.not.ok(existsSync(path.join(project.dir, 'never-auto')), 'nothing was run');
});

against('an image set that differs is a warning listing the difference; an error with strict', async () => {
  const images = path.join(project.dir, 'images-two');
  mkdirSync(images, { recursive: true });
  copyFileSync(project.files[0], path.join(images, 'img-0.png'));
  copyFileSync(project.files[1], path.join(images, 'img-1.png'));
  copyFileSync(project.files[1], path.join(images, 'img-new.png'));
  const labels = path.join(project.dir, 'labels-two');
  mkdirSync(labels, { recursive: true });
  for (const n of ['img-0.png', 'img-1.png']) copyFileSync(path.join(project.labels, n), path.join(labels, n));
  copyFileSync(path.join(project.labels, 'img-1.png'), path.join(labels, 'img-new.png'));
  const r = await runAudit(base([gate('max-drop', 'meanIoU=1')], { inputs: [images], labels, baseline: baseOut }));
  assert.is(auditExitCode(r), 0);
  assert.is(r.warnings.length, 1);
  assert.match(r.warnings[0], /the image sets differ: 1 only in the baseline \(img-2.png\); 1 only in this run \(img-new.png\)/);
  assert.equal(r.baseline?.imageSet?.onlyBaseline, ['img-2.png']);
  assert.match(read(out, 'summary.md'), /> ⚠️ .*img-2.png/);
  try {
    await runAudit(base([gate('max-drop', 'meanIoU=1')], { inputs: [images], labels, baseline: baseOut, strict: true }));
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /the image sets differ.*\(--strict\)/);
  }
});

against('--from: a finished run is audited without the model, against a baseline too', async () => {
  const fromOut = path.join(project.dir, 'audit-from');
  const gates = [legacyGate('min-miou', 0), gate('max-drop', 'meanIoU=0'), gate('max-rise', 'msPerImage=0')];
  const ran = await runAudit(base(gates, { baseline: baseOut }));
  const fromFile = auditCalibrationFile({ from: out, gates, out: fromOut, baseline: baseOut });
  assert.equal(fromFile.gates.map((g) => [g.measured, g.baseline]), ran.gates.map((g) => [g.measured, g.baseline]));
  assert.is(auditExitCode(fromFile), auditExitCode(ran));
  assert.throws(() => auditCalibrationFile({ from: path.join(project.dir, 'none'), gates, out: fromOut }), /none.calibration\.json: no such file/);
});

against('EXPECTED FAILURE: usage errors throw before sampling', async () => {
  for (const [gates, extra, pattern] of [
    [[], {}, /no gate given/],
    [[classIouGate('Bus=0.3')], {}, /no class 'Bus' in the model card \(classes: Sky <b>/],
    [[gate('max-drop', 'ece=0.1')], {}, /lower ECE is better, so a drop is no harm; use --max-rise/],
    [[gate('max-rise', 'meanIoU=0.1')], {}, /use --max-drop/],
    [[gate('max-drop', 'meanIoU=0.1')], { baseline: path.join(project.dir, 'nowhere') }, /--baseline .*nowhere: no such file or folder/],
    [[gate('max-drop', 'meanIoU=0.1')], { baseline: project.images }, /holds neither audit.json nor calibration.json/],
  ] as const) {
    try {
      await runAudit(base(gates as readonly GateSpec[], extra as Partial<AuditOptions>));
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, pattern);
    }
  }
});

against.after(() => project.cleanup());
against.run();
