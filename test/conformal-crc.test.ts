/**
 * lib/conformal against numpy: the per-image loss tables of LAC and APS sets (set = classes whose
 * score reaches the threshold, plus the top class) computed from scratch with numpy, the threshold
 * of get_lhat's formula (aangelopoulos/conformal-risk core/get_lhat.py) on them, the mean set
 * size, and the object sizes of scipy.ndimage.label; plus the rule's refusals.
 */
import { spawnSync } from 'child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sizeBins } from '../lib/conformal/components';
import { crcIndex, imagesNeeded, parseRisk } from '../lib/conformal/crc';
import { fitConformal } from '../lib/conformal/fit';
import { GRID, gridIndex } from '../lib/conformal/scores';
import { addConformalImage, conformalStatsFromJSON, conformalStatsToJSON, createConformalStats, mergeConformalStats } from '../lib/conformal/stats';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { FAKE_IGNORE, fakeImage, type FakeImage } from './fixtures/fake-segmentation';

const C = 5, W = 12, H = 9;
const CLASSES = ['a', 'b', 'c', 'd', 'e'];
const images: FakeImage[] = Array.from({ length: 30 }, (_, i) => fakeImage(100 + i, W, H, C));

const NUMPY = pythonHas('numpy', 'scipy');
if (!NUMPY) console.log('  SKIPPED conformal-crc numpy check: /usr/bin/python3 has no numpy/scipy');

// every per-image loss from scratch, then get_lhat's line verbatim in meaning: the last lambda before the first violation
const SCRIPT = `import json,sys,numpy as np
from scipy import ndimage
d=json.loads(sys.stdin.read())
C,W,H,grid,alpha=d['C'],d['W'],d['H'],np.array(d['grid']),d['alpha']
def scores(p,method):
  if method=='lac': return p.copy()
  order=np.argsort(-p,axis=0,kind='stable')
  sp=np.take_along_axis(p,order,axis=0)
  above=np.concatenate([np.zeros((1,sp.shape[1])),np.cumsum(sp,axis=0)[:-1]])
  u=np.empty_like(p); np.put_along_axis(u,order,np.maximum(0,1-above),axis=0)
  return u
def get_lhat(table,lambdas,alpha,B=1):
  n=table.shape[0]; rhat=table.mean(axis=0)
  return lambdas[max(np.argmax(((n/(n+1))*rhat+B/(n+1))>alpha)-1,0)]
out={}
for method in ['lac','aps']:
  tables={'miscoverage':[], 'fnr':[]}; sizes=[]
  for im in d['images']:
    p=np.array(im['probs'],dtype=np.float32).astype(np.float64).reshape(C,H*W); y=np.array(im['label'])
    u=scores(p,method); top=np.argmax(p,axis=0); lab=y!=255
    inset=u[None,:,:]>=grid[:,None,None]; inset[:,top,np.arange(H*W)]=True
    cov=inset[:,y[lab],np.arange(H*W)[lab]]
    tables['miscoverage'].append(1-cov.mean(axis=1))
    m=y==1
    if m.any(): tables['fnr'].append(1-inset[:,1,m].mean(axis=1))
    sizes.append(inset.sum(axis=1).mean(axis=1))
  for risk in tables:
    t=np.array(tables[risk]); lam=get_lhat(t,grid,alpha)
    k=int(np.searchsorted(grid,lam))
    out[method+':'+risk]={'threshold':float(lam),'risk':float(t.mean(axis=0)[k]),'size':float(np.mean(sizes,axis=0)[k]),'n':len(t)}
lab=np.array(d['images'][0]['label']).reshape(H,W); share=[]
comp=np.zeros(H*W)
for c in range(C):
  l,k=ndimage.label(lab==c)
  for j in range(1,k+1): comp[(l==j).ravel()]=(l==j).sum()/(H*W)
out['sizes']=[int(np.searchsorted([0.001,0.01,0.1],s,side='right')) if lab.ravel()[i]!=255 else 255 for i,s in enumerate(comp)]
print(json.dumps(out))`;

if (NUMPY) test('LAC and APS thresholds, risks and set sizes equal numpy loss tables under get_lhat', () => {
  const alpha = 0.15;
  const input = { C, W, H, alpha, grid: Array.from(GRID), images: images.map((im) => ({ probs: Array.from(im.probs), label: Array.from(im.label) })) };
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.is(run.status, 0, run.stderr);
  const ref = JSON.parse(run.stdout) as Record<string, { threshold: number; risk: number; size: number; n: number }> & { sizes: number[] };
  for (const method of ['lac', 'aps'] as const) {
    const stats = createConformalStats(method, GRID, C, FAKE_IGNORE);
    for (const im of images) addConformalImage(stats, im.probs, im.label, W, H);
    for (const risk of ['miscoverage', 'fnr'] as const) {
      const fit = fitConformal(stats, CLASSES, { alpha, risk: parseRisk(risk === 'fnr' ? 'fnr:b' : risk, CLASSES) });
      const r = ref[`${method}:${risk}`];
      assert.ok(r.threshold > 0 && r.threshold < 1, `${method} ${risk}: the reference threshold ${r.threshold} is inside the grid (a violation exists)`);
      assert.is(fit.threshold, r.threshold, `${method} ${risk} threshold`);
      assert.is(fit.images, r.n);
      assert.ok(Math.abs(fit.calibrationRisk - r.risk) < 1e-9, `${method} ${risk} risk ${fit.calibrationRisk} vs ${r.risk}`);
      assert.ok(Math.abs(fit.meanSetSize - r.size) < 1e-9, `${method} ${risk} size ${fit.meanSetSize} vs ${r.size}`);
    }
  }
  assert.equal(Array.from(sizeBins(images[0].label, W, H, FAKE_IGNORE)), ref.sizes);
});

test('the statistics merge: two halves give the fit of the whole', () => {
  const all = createConformalStats('lac', GRID, C, FAKE_IGNORE), a = createConformalStats('lac', GRID, C, FAKE_IGNORE), b = createConformalStats('lac', GRID, C, FAKE_IGNORE);
  images.forEach((im, i) => {
    addConformalImage(all, im.probs, im.label, W, H);
    addConformalImage(i % 2 ? a : b, im.probs, im.label, W, H);
  });
  const merged = mergeConformalStats(conformalStatsFromJSON(JSON.parse(JSON.stringify(conformalStatsToJSON(a)))), b);
  const opts = { alpha: 0.2, risk: parseRisk('miscoverage', CLASSES) };
  assert.is(fitConformal(merged, CLASSES, opts).threshold, fitConformal(all, CLASSES, opts).threshold);
  assert.ok(Math.abs(fitConformal(merged, CLASSES, opts).meanSetSize - fitConformal(all, CLASSES, opts).meanSetSize) < 1e-12);
});

test('Mondrian: each class with enough images gets its fnr:CLASS threshold, the others the pooled one, flagged', () => {
  const stats = createConformalStats('lac', GRID, C, FAKE_IGNORE);
  for (const im of images) addConformalImage(stats, im.probs, im.label, W, H);
  const counts = stats.perClass.map((g) => g.images);
  const guard = Math.min(...counts) + 1;
  const fit = fitConformal(stats, CLASSES, { alpha: 0.2, risk: { kind: 'miscoverage' }, mondrian: true, minClassImages: guard });
  const pooled = fitConformal(stats, CLASSES, { alpha: 0.2, risk: { kind: 'miscoverage' } }).threshold;
  CLASSES.forEach((name, c) => {
    const own = counts[c] >= guard;
    assert.is(fit.perClass[c].certified, own);
    const want = own ? fitConformal(stats, CLASSES, { alpha: 0.2, risk: parseRisk(`fnr:${name}`, CLASSES) }).threshold : pooled;
    assert.is(fit.classThresholds?.[c], want, name);
    if (own) assert.ok((fit.perClass[c].coverage as number) >= 0.8 - 1e-12);
  });
  assert.ok(fit.perClass.some((p) => !p.certified) && fit.perClass.some((p) => p.certified));
  assert.throws(() => fitConformal(stats, CLASSES, { alpha: 0.2, risk: parseRisk('fnr:a', CLASSES), mondrian: true }), (e: Error) => /takes --risk miscoverage/.test(e.message));
});

test('alpha that n images cannot certify is refused, naming the images needed', () => {
  assert.is(imagesNeeded(0.1), 9);
  assert.is(imagesNeeded(0.01), 99);
  assert.is(imagesNeeded(0.3), 3);
  const flat = new Float64Array(GRID.length);
  assert.throws(() => crcIndex(flat, 40, 0.01, 'labelled images'), (e: Error) => /needs at least 99 labelled images/.test(e.message) && /got 40/.test(e.message));
  assert.is(crcIndex(flat, 9, 0.1, 'labelled images'), GRID.length - 1);
  const stats = createConformalStats('lac', GRID, C, FAKE_IGNORE);
  for (const im of images.slice(0, 5)) addConformalImage(stats, im.probs, im.label, W, H);
  assert.throws(() => fitConformal(stats, CLASSES, { alpha: 0.1, risk: { kind: 'miscoverage' } }), (e: Error) => /needs at least 9 labelled images.*got 5/.test(e.message));
});

test('non-monotone risks are refused; a decreasing curve is refused', () => {
  assert.throws(() => parseRisk('fdr:a', CLASSES), (e: Error) => /not monotone/.test(e.message));
  assert.throws(() => parseRisk('iou', CLASSES), (e: Error) => /not monotone/.test(e.message));
  assert.throws(() => parseRisk('fnr:zebra', CLASSES), (e: Error) => /one of the model's classes/.test(e.message));
  assert.throws(() => parseRisk('coverage', CLASSES), (e: Error) => /miscoverage or fnr:CLASS/.test(e.message));
  const down = Float64Array.from(GRID, (_, k) => 1 - k / GRID.length);
  assert.throws(() => crcIndex(down, 100, 0.1, 'images'), (e: Error) => /not monotone/.test(e.message));
});

test('gridIndex counts the grid points at or below u', () => {
  assert.is(gridIndex(GRID, 0), 1);
  assert.is(gridIndex(GRID, 1), GRID.length);
  assert.is(gridIndex(GRID, -1), 0);
  for (let k = 1; k < GRID.length; k++) assert.ok(GRID[k] > GRID[k - 1]);
});

test.run();
