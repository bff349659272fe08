/**
 * The honest test of the guarantee: random splits of labelled images (a fast fake model, no
 * ONNX), fitted on one half and measured on the other. Conformal risk control promises that the
 * expected coverage (mean over a new image's labelled pixels, averaged over images and splits)
 * is at least 1 - alpha; averaged over many splits it must be, and it must not be far above
 * (the rule is tight up to about 1/(n+1)), or the sets are needlessly large.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applySets, conformalMetrics } from '../lib/conformal/apply';
import { parseRisk } from '../lib/conformal/crc';
import { fitConformal } from '../lib/conformal/fit';
import { GRID } from '../lib/conformal/scores';
import { addConformalImage, createConformalStats } from '../lib/conformal/stats';
import { seededRandom } from './fixtures/tiny-models';
import { FAKE_IGNORE, fakeImage } from './fixtures/fake-segmentation';

const C = 4, W = 16, H = 12, N = 60, SPLITS = 150;
const CLASSES = ['road', 'car', 'tree', 'sky'];
const images = Array.from({ length: N }, (_, i) => fakeImage(7000 + i, W, H, C));

function shuffled(seed: number): number[] {
  const r = seededRandom(seed);
  const a = Array.from({ length: N }, (_, i) => i);
  for (let i = N - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function splits(method: 'lac' | 'aps', risk: string, alpha: number, measure: (m: NonNullable<ReturnType<typeof conformalMetrics>>) => number | null): number[] {
  const out: number[] = [];
  for (let s = 0; s < SPLITS; s++) {
    const order = shuffled(s + 1);
    const stats = createConformalStats(method, GRID, C, FAKE_IGNORE);
    for (const i of order.slice(0, N / 2)) addConformalImage(stats, images[i].probs, images[i].label, W, H);
    const fit = fitConformal(stats, CLASSES, { alpha, risk: parseRisk(risk, CLASSES) });
    const sets = { method, thresholds: CLASSES.map(() => fit.threshold) };
    const records = order.slice(N / 2).map((i) => ({ conformal: applySets(sets, images[i].probs, W, H, { data: images[i].label, ignoreIndex: FAKE_IGNORE }).record }));
    const v = measure(conformalMetrics(records, CLASSES) as NonNullable<ReturnType<typeof conformalMetrics>>);
    if (v !== null) out.push(v);
  }
  return out;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
// the standard error of the mean over splits, for a margin that is not a fudge factor
const stderr = (v: number[]): number => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1) / v.length);

for (const method of ['lac', 'aps'] as const) {
  test(`${method}: mean coverage over ${SPLITS} random halves is at least 1 - alpha, and tight`, () => {
    for (const alpha of [0.1, 0.2]) {
      const cov = splits(method, 'miscoverage', alpha, (m) => m.coverage);
      const m = mean(cov), se = stderr(cov);
      assert.ok(m >= 1 - alpha - 2 * se, `${method} alpha ${alpha}: mean coverage ${m.toFixed(4)} (se ${se.toFixed(4)}) < ${1 - alpha}`);
      assert.ok(m <= 1 - alpha + 2 / (N / 2 + 1) + 2 * se, `${method} alpha ${alpha}: mean coverage ${m.toFixed(4)} is far above ${1 - alpha}: sets too large`);
    }
  });
}

test('fnr:CLASS: the class keeps at most alpha of its pixels missed, on average over splits', () => {
  const alpha = 0.1;
  const cov = splits('lac', 'fnr:car', alpha, (m) => m.byClass[1].coverage);
  assert.ok(mean(cov) >= 1 - alpha - 2 * stderr(cov), `car coverage ${mean(cov)}`);
});

test.run();
