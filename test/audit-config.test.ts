import { writeFileSync, mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { classIouGate, legacyGate, loadAuditConfig, parseAuditConfig } from '../lib/audit/config';

const config = suite('audit config');
const dir = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-config-'));

config('legacy threshold keys become fail gates; gate objects; fail-on-warn', () => {
  const c = parseAuditConfig({
    'min-miou': 0.5, 'min-pavpu': 0.7, 'min-class-iou': { Road: 0.8 }, 'max-drop': { meanIoU: 0.01 }, 'warn-max-rise': { ece: '10%' }, 'fail-on-warn': true,
  }, 'a.json', 'variance');
  assert.equal(c.gates.map((g) => [g.kind, g.metric, g.value, g.relative, g.severity]), [
    ['min', 'meanIoU', 0.5, false, 'fail'], ['min', 'pavpu:variance', 0.7, false, 'fail'], ['min', 'iou:Road', 0.8, false, 'fail'],
    ['max-drop', 'meanIoU', 0.01, false, 'fail'], ['max-rise', 'ece', 0.1, true, 'warn'],
  ]);
  assert.is(c.failOnWarn, true);
  assert.equal(legacyGate('max-ms-per-image', 3000), { metric: 'msPerImage', kind: 'max', value: 3000, relative: false, severity: 'fail' });
  assert.equal(classIouGate('a=b=0.5').metric, 'iou:a=b');
});

config('EXPECTED FAILURE: unknown keys, bad values and bad JSON name the file', () => {
  assert.throws(() => parseAuditConfig({ 'min-mIoU': 0.1 }, 'a.json'), /a.json: unknown key 'min-mIoU'/);
  assert.throws(() => parseAuditConfig({ 'max-drop': 0.1 }, 'a.json'), /"max-drop" must be an object of METRIC: VALUE/);
  assert.throws(() => parseAuditConfig({ 'max-drop': { meanIoU: true } }, 'a.json'), /must be a number or a "N%" string/);
  assert.throws(() => parseAuditConfig({ 'max-drop': { meanIoU: -1 } }, 'a.json'), /a.json: --max-drop meanIoU: the value must be a number >= 0/);
  assert.throws(() => parseAuditConfig({ 'fail-on-warn': 'yes' }, 'a.json'), /"fail-on-warn" must be true or false/);
  assert.throws(() => parseAuditConfig([], 'a.json'), /must be a JSON object/);
  assert.throws(() => classIouGate('Road'), /--min-class-iou must be CLASS=VALUE/);
  const file = path.join(dir, 'c.json');
  writeFileSync(file, '{');
  assert.throws(() => loadAuditConfig(file), /not JSON/);
  assert.throws(() => loadAuditConfig(file + '.none'), /no such file/);
  writeFileSync(file, JSON.stringify({ 'max-rise': { ece: 0.005 } }));
  assert.is(loadAuditConfig(file).gates[0].metric, 'ece');
});

config.after(() => rmSync(dir, { recursive: true, force: true }));
config.run();
