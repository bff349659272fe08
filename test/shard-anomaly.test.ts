/**
 * Shards of `anomaly` and of `audit --anomaly-labels`: the merge adds the shards' pixel
 * histograms and takes the component metrics again at the merged threshold over their kept bins,
 * so it equals one run over every image.
 */
import { existsSync, mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGateFlag } from '../lib/audit/gates';
import { runAnomaly, type AnomalyOptions } from '../lib/commands/anomaly';
import { runAudit } from '../lib/commands/audit';
import { mergeShards } from '../lib/commands/merge-shards';
import { encodePng } from '../lib/image/encode';
import { parseShard } from '../lib/shard/spec';
import { makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 5 });
const anomalyLabels = path.join(project.dir, 'anomaly-labels');
mkdirSync(anomalyLabels);
project.files.forEach((file, n) => {
  const data = new Uint8Array(16 * 12).map((_, i) => ((i % 16) >= 3 + n && (i % 16) < 8 + n && Math.floor(i / 16) >= 2 + (n % 3) && Math.floor(i / 16) < 7 + (n % 3) ? 1 : 0));
  writeFileSync(path.join(anomalyLabels, path.basename(file)), encodePng({ width: 16, height: 12, data }));
});
const base = (out: string): AnomalyOptions => ({
  inputs: [project.images], model: project.model, card: project.card, anomalyLabels, samples: 3, seed: 9, minPredicted: 2, minAnomaly: 2, out: path.join(project.dir, out),
});

test('anomaly --shard 0/2 and 1/2, merged: the same anomaly.json scores as one run', async () => {
  const whole = await runAnomaly(base('whole'));
  for (const i of [0, 1]) await runAnomaly({ ...base(`s${i}`), shard: parseShard(`${i}/2`) });
  assert.ok(existsSync(path.join(project.dir, 's0', '.anomaly-bins', 'index.json')), 'a shard keeps its bins for the merge');
  const merged = mergeShards({ inputs: [path.join(project.dir, 's0'), path.join(project.dir, 's1')], out: path.join(project.dir, 'merged') });
  assert.is(merged.anomaly?.images, 5);
  assert.equal(merged.anomaly?.scores, whole.anomaly.scores);
  assert.ok(existsSync(path.join(project.dir, 'merged', 'anomaly', 'roc.png')));
});

test('audit --anomaly-labels shards: the merge checks the anomaly gates on the merged numbers', async () => {
  const gates = [parseGateFlag('min', 'anomaly.entropy.auroc=0'), parseGateFlag('max', 'anomaly.entropy.fpr95=1')];
  const whole = await runAudit({ ...base('aw'), labels: project.labels, gates, images: false });
  for (const i of [0, 1]) await runAudit({ ...base(`a${i}`), labels: project.labels, gates, images: false, shard: parseShard(`${i}/2`) });
  const merged = mergeShards({ inputs: [path.join(project.dir, 'a0'), path.join(project.dir, 'a1')], out: path.join(project.dir, 'amerged') });
  assert.equal(merged.audit?.gates.map((g) => g.measured), whole.gates.map((g) => g.measured));
  assert.equal(merged.audit?.anomaly, whole.anomaly);
});

test.after(() => project.cleanup());
test.run();
