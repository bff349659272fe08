/**
 * With --labels every image gets its label, error map and errors-over-entropy PNGs, named in
 * summary.json (outputs.label, outputs.errors, outputs.errorOverlay), and the page shows them with
 * the IoU of each class present (issue 31, friction 11 and 15). The error map is checked against
 * numpy (label != predicted class read back from classes.png, ignore grey) and the per-class IoU
 * against scikit-learn's jaccard_score.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { presentClassIoU } from '../lib/report/label-outputs';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { buildPng, tempDir, TINY_CLASSES, tinyModelDir } from './fixtures/report-inputs';

const W = 40, H = 30;

/** One labelled report run, shared by the tests (made on first use). */
let made: Promise<{ s: Awaited<ReturnType<typeof runReport>>; labels: string; out: string }> | null = null;
function labelledRun(): NonNullable<typeof made> {
  made ??= (async () => {
    const model = tinyModelDir();
    const images = tempDir(), labels = tempDir(), out = tempDir();
    writeFileSync(path.join(images, 'a.png'), buildPng({ width: W, height: H }));
    // three bands of classes and an ignored block
    const label = Array.from({ length: W * H }, (_, i) => ((i % W) >= 30 && Math.floor(i / W) < 10 ? 255 : Math.floor((i % W) / 14)));
    writeFileSync(path.join(labels, 'a.png'), buildPng({ width: W, height: H, colorType: 0, samples: label }));
    return { s: await runReport({ inputs: [images], out, model: model.model, samples: 2, labels, seed: 1 }), labels, out };
  })();
  return made;
}

test('report --labels: label, errors and error overlay PNGs per image, in summary.json and on the page', async () => {
  const { s, out } = await labelledRun();
  const o = s.images[0].outputs;
  assert.ok(o?.label && o.errors && o.errorOverlay, JSON.stringify(o));
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as typeof s;
  assert.equal([summary.images[0].outputs?.label, summary.images[0].outputs?.errors], [o.label, o.errors]);
  assert.match(o.label, /^images\/[^/]+\/label\.png$/);
  assert.match(o.errors, /^images\/[^/]+\/errors\.png$/);
  for (const f of [o.label, o.errors, o.errorOverlay]) assert.ok(existsSync(path.join(out, f)), f);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  for (const f of [o.label, o.errors, o.errorOverlay]) assert.ok(html.includes(`src="${f.split('/').map(encodeURIComponent).join('/')}"`), f);
  assert.match(html, /<th>class in the label<\/th><th>IoU<\/th>/);
  assert.match(html, /edge of a wrong region/);

  const present = presentClassIoU(s.images[0].metrics?.confusion ?? [], TINY_CLASSES.length);
  assert.equal(present.map((c) => c.index), [0, 1, 2]);
});

if (!pythonHas('numpy', 'PIL', 'sklearn')) console.log('  SKIPPED report-label-outputs numpy / scikit-learn checks: missing in /usr/bin/python3');
else test('the error map as numpy reads it (label != predicted class, ignored grey) and the IoUs as scikit-learn\'s jaccard_score', async () => {
  const { s, labels, out } = await labelledRun();
  const present = presentClassIoU(s.images[0].metrics?.confusion ?? [], TINY_CLASSES.length);
  const script = `import json,sys,numpy as np
from PIL import Image
from sklearn.metrics import jaccard_score
out,labels,colors=sys.argv[1],sys.argv[2],json.loads(sys.argv[3])
o=json.load(open(out+'/summary.json'))['images'][0]['outputs']
lab=np.array(Image.open(labels+'/a.png'))
cls=np.array(Image.open(out+'/'+o['classMap']).convert('RGB')).astype(int)
pred=np.full(lab.shape,-1)
for k,c in enumerate(colors): pred[(cls==np.array(c)).all(-1)]=k
err=np.array(Image.open(out+'/'+o['errors']).convert('RGB')).astype(int)
wrong=(err==[214,39,40]).all(-1); grey=(err==[150,150,150]).all(-1)
keep=lab!=255
print(json.dumps({'wrong':bool((wrong==((lab!=pred)&keep)).all()),'grey':bool((grey==~keep).all()),'nwrong':int(wrong.sum()),
 'iou':jaccard_score(lab[keep],pred[keep],labels=[0,1,2],average=None).tolist()}))`;
  const r = spawnSync(PYTHON, ['-c', script, out, labels, JSON.stringify(TINY_CLASSES.map((c) => c.color))], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const py = JSON.parse(r.stdout) as { wrong: boolean; grey: boolean; nwrong: number; iou: number[] };
  assert.ok(py.wrong, 'wrong pixels: label differs from the predicted class');
  assert.ok(py.grey, 'ignored pixels grey');
  assert.ok(py.nwrong > 0, 'some pixels are wrong');
  present.forEach((c, k) => assert.ok(Math.abs(c.iou - py.iou[k]) < 1e-12, `class ${k}: ${c.iou} vs ${py.iou[k]}`));
});

test.run();
