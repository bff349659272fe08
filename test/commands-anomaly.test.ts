/**
 * `segnet-uq anomaly`: on the tiny model with hand-made anomaly labels (fast, always), and on a
 * pasted set that examples/anomaly/make-pasted-set.sh builds from CamVid val with the shipped
 * model (where CamVid and ImageMagick are present), checked against scikit-learn on the maps it
 * saved with --save-maps.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnomalyReport } from '../lib/anomaly/report-file';
import { ANOMALY_KINDS } from '../lib/anomaly/scores';
import { runAnomaly } from '../lib/commands/anomaly';
import { encodePng } from '../lib/image/encode';
import { cli, ROOT } from './fixtures/cli';
import { makeCommandProject } from './fixtures/command-project';
import { PYTHON, pythonHas } from './fixtures/python-check';

const project = makeCommandProject({ count: 3 });
const anomalyDir = path.join(project.dir, 'anomaly-labels');
mkdirSync(anomalyDir);
// 16x12 labels: a 4x4 anomaly, the first column outside the region; the last image gets none
project.files.slice(0, 2).forEach((file, n) => {
  const data = new Uint8Array(16 * 12);
  for (let i = 0; i < data.length; i++) {
    const x = i % 16, y = Math.floor(i / 16);
    data[i] = x === 0 ? 255 : x >= 6 + n && x < 10 + n && y >= 4 && y < 8 ? 1 : 0;
  }
  writeFileSync(path.join(anomalyDir, path.basename(file)), encodePng({ width: 16, height: 12, data }));
});

const lib = suite('runAnomaly on the tiny model');

lib('anomaly.json: every score with pixel and component metrics in 0..1; a missing label is an error entry naming the image', async () => {
  const out = path.join(project.dir, 'out');
  const { summary, anomaly } = await runAnomaly({
    inputs: [project.images], model: project.model, card: project.card, anomalyLabels: anomalyDir, samples: 4, seed: 2, out, minPredicted: 1, minAnomaly: 1,
  });
  assert.is(summary.images.length, 3, 'the image without a label keeps its entry');
  assert.is(anomaly.images, 2);
  assert.equal(summary.errors.map((e) => [path.basename(e.file), e.message.replace(/ in .*$/, '')]), [['img-2.png', 'no anomaly label named like it']]);
  const onDisk = JSON.parse(readFileSync(path.join(out, 'anomaly.json'), 'utf8')) as AnomalyReport;
  assert.equal(Object.keys(onDisk.scores), [...ANOMALY_KINDS]);
  for (const kind of ANOMALY_KINDS) {
    const s = onDisk.scores[kind];
    for (const v of [s.pixel.ap, s.pixel.auroc, s.pixel.fpr95, s.component.sIoU, s.component.ppv, s.component.meanF1]) {
      assert.ok(typeof v === 'number' && v >= 0 && v <= 1, `${kind}: ${v}`);
    }
    assert.is(s.pixel.anomalyPixels, 32);
    assert.is(s.pixel.inlierPixels, 2 * (16 * 12 - 12 - 16));
  }
  assert.ok(existsSync(path.join(out, onDisk.charts?.roc ?? 'none')) && existsSync(path.join(out, 'anomaly', '0.png')));
  assert.ok(!existsSync(path.join(out, '.anomaly-bins')), 'the component pass removes its bins');
  assert.match(readFileSync(path.join(out, 'index.html'), 'utf8'), /<section id="anomaly">/);
  // same seed, same numbers
  const again = await runAnomaly({
    inputs: [project.images], model: project.model, card: project.card, anomalyLabels: anomalyDir, samples: 4, seed: 2, out: path.join(project.dir, 'again'), minPredicted: 1, minAnomaly: 1, images: false,
  });
  assert.equal(again.anomaly.scores, anomaly.scores);
  assert.is(again.anomaly.charts, null);
});

lib('bad anomaly labels: a value other than 0/1/255 and a wrong size name the label file; the image is not counted', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-anomaly-bad-'));
  writeFileSync(path.join(dir, 'img-0.png'), encodePng({ width: 16, height: 12, data: new Uint8Array(16 * 12).fill(7) }));
  writeFileSync(path.join(dir, 'img-1.png'), encodePng({ width: 8, height: 12, data: new Uint8Array(8 * 12) }));
  const { summary, anomaly } = await runAnomaly({
    inputs: [project.files[0], project.files[1]], model: project.model, card: project.card, anomalyLabels: dir, samples: 2, out: path.join(dir, 'out'), images: false,
  });
  assert.equal(summary.errors.map((e) => [e.file, e.message]), [
    [path.join(dir, 'img-0.png'), 'label value 7 at pixel (0, 0) is not 0 (inlier), 1 (anomaly) or 255 (outside the region of interest)'],
    [path.join(dir, 'img-1.png'), 'anomaly label is 8x12, its image is 16x12'],
  ]);
  assert.is(anomaly.images, 0);
  assert.is(anomaly.scores.entropy.pixel.ap, null);
});

lib('usage errors before any work: no --anomaly-labels folder, a size filter below 1', async () => {
  const message = (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: Error) => e.message);
  assert.match(await message(runAnomaly({ inputs: [project.images], anomalyLabels: path.join(project.dir, 'nope'), out: path.join(project.dir, 'u1') })),
    /^--anomaly-labels .*nope: no such file/);
  assert.match(await message(runAnomaly({ inputs: [project.images], anomalyLabels: anomalyDir, minPredicted: 0, out: path.join(project.dir, 'u2') })), /--min-predicted/);
  assert.not.ok(existsSync(path.join(project.dir, 'u2')), 'no output folder left behind');
});

const CAMVID = path.join(ROOT, '..', 'shared', 'datasets', 'camvid', 'val');
const CONVERT = spawnSync('convert', ['-version'], { stdio: 'ignore' }).status === 0;
const SKLEARN = pythonHas('numpy', 'sklearn', 'PIL');
const pasted = suite('anomaly on a pasted set (make-pasted-set.sh, CamVid val, the shipped model)');
if (!existsSync(CAMVID) || !CONVERT || !SKLEARN) console.log('  SKIPPED pasted-set anomaly run: needs ../shared/datasets/camvid/val, ImageMagick and /usr/bin/python3 with numpy, scikit-learn, PIL');
else pasted('the CLI scores a pasted set; AP, AUROC and FPR95 agree with scikit-learn on the saved maps to 1e-3', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-pasted-'));
  const made = spawnSync('bash', [path.join(ROOT, 'examples', 'anomaly', 'make-pasted-set.sh'), CAMVID, dir, '2', '5', '120'], { encoding: 'utf8' });
  assert.is(made.status, 0, made.stderr);
  // same arguments, same set, to the byte
  const again = spawnSync('bash', [path.join(ROOT, 'examples', 'anomaly', 'make-pasted-set.sh'), CAMVID, path.join(dir, 'again'), '2', '5', '120'], { encoding: 'utf8' });
  assert.is(again.status, 0, again.stderr);
  for (const sub of ['images', 'labels']) {
    for (const name of readdirSync(path.join(dir, sub))) assert.ok(readFileSync(path.join(dir, sub, name)).equals(readFileSync(path.join(dir, 'again', sub, name))), `${sub}/${name} differs`);
  }
  const out = path.join(dir, 'out');
  const r = await cli(['anomaly', path.join(dir, 'images'), '--anomaly-labels', path.join(dir, 'labels'), '--samples', '2', '--seed', '3', '--save-maps', '--out', out, '-q']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 images \(2 with anomaly labels\), 0 errors/);
  const script = `import json, sys, numpy as np
from PIL import Image
from sklearn.metrics import average_precision_score, roc_auc_score
out, labels = sys.argv[1], sys.argv[2]
s = json.load(open(out + '/summary.json'))
y, e = [], []
for im in s['images']:
    lab = np.array(Image.open(labels + '/' + im['file'].split('/')[-1])).ravel()
    ent = np.load(out + '/' + im['outputs']['npy']['entropy']).ravel()
    keep = lab != 255
    y.append(lab[keep] == 1); e.append(ent[keep].astype(np.float64))
y, e = np.concatenate(y), np.concatenate(e)
o = np.argsort(e, kind='mergesort')[::-1]; ys, es = y[o], e[o]
idx = np.r_[np.where(np.diff(es))[0], ys.size - 1]
tps = np.cumsum(ys)[idx]; fps = 1 + idx - tps
tpr = np.r_[0, tps] / tps[-1]; fpr = np.r_[0, fps] / fps[-1]
print(json.dumps({'ap': average_precision_score(y, e), 'auroc': roc_auc_score(y, e), 'fpr95': float(fpr[np.searchsorted(tpr, 0.95)])}))`;
  const ref = spawnSync(PYTHON, ['-c', script, out, path.join(dir, 'labels')], { encoding: 'utf8' });
  assert.is(ref.status, 0, ref.stderr);
  const want = JSON.parse(ref.stdout) as Record<'ap' | 'auroc' | 'fpr95', number>;
  const got = (JSON.parse(readFileSync(path.join(out, 'anomaly.json'), 'utf8')) as AnomalyReport).scores.entropy.pixel;
  for (const key of ['ap', 'auroc', 'fpr95'] as const) assert.ok(Math.abs((got[key] as number) - want[key]) < 1e-3, `${key}: ${got[key]} vs scikit-learn ${want[key]}`);
});

lib.after(() => project.cleanup());
lib.run();
pasted.run();
