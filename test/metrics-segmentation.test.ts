import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addToConfusion, createConfusion } from '../lib/metrics/confusion';
import { createRandom, nextInt } from '../lib/metrics/random';
import {
  classAverageAccuracy,
  globalAccuracy,
  meanIoU,
  perClassAccuracy,
  perClassIoU,
  pixelFrequency,
} from '../lib/metrics/segmentation';

const C = 5;
const IGNORE = 11;
const N = 4000;
const r = createRandom(7);
const labels = new Uint8Array(N);
const predicted = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  // class 4 never labelled; class 3 never labelled nor predicted
  labels[i] = nextInt(r, 8) === 0 ? IGNORE : nextInt(r, 3);
  predicted[i] = nextInt(r, 2) === 0 ? labels[i] % 3 : [0, 1, 2, 4][nextInt(r, 4)];
}
const cm = addToConfusion(createConfusion(C), labels, predicted, IGNORE);

/** reference: per-pixel loops straight from the definitions */
function ref() {
  let labelled = 0;
  let correct = 0;
  const tp = new Array<number>(C).fill(0);
  const inLabel = new Array<number>(C).fill(0);
  const inPred = new Array<number>(C).fill(0);
  for (let i = 0; i < N; i++) {
    if (labels[i] === IGNORE) continue;
    labelled++;
    inLabel[labels[i]]++;
    inPred[predicted[i]]++;
    if (labels[i] === predicted[i]) {
      correct++;
      tp[labels[i]]++;
    }
  }
  const acc = inLabel.map((n, k) => (n === 0 ? NaN : tp[k] / n));
  const iou = tp.map((t, k) => (inLabel[k] + inPred[k] - t === 0 ? NaN : t / (inLabel[k] + inPred[k] - t)));
  const mean = (xs: number[]) => {
    const ok = xs.filter((x) => !Number.isNaN(x));
    return ok.reduce((s, x) => s + x, 0) / ok.length;
  };
  return { global: correct / labelled, acc, iou, classAvg: mean(acc), miou: mean(iou), freq: inLabel.map((n) => n / labelled) };
}
const expected = ref();

function close(actual: ArrayLike<number>, wanted: number[], tol = 1e-12) {
  assert.is(actual.length, wanted.length);
  for (let i = 0; i < wanted.length; i++) {
    if (Number.isNaN(wanted[i])) assert.ok(Number.isNaN(actual[i]), `index ${i}: want NaN, got ${actual[i]}`);
    else assert.ok(Math.abs(actual[i] - wanted[i]) <= tol, `index ${i}: ${actual[i]} vs ${wanted[i]}`);
  }
}

const s = suite('segmentation metrics');
s('globalAccuracy', () => close([globalAccuracy(cm)], [expected.global]));
s('perClassAccuracy: NaN for classes absent from labels', () => {
  close(perClassAccuracy(cm), expected.acc);
  assert.ok(Number.isNaN(perClassAccuracy(cm)[4]));
});
s('classAverageAccuracy: mean over present classes', () => close([classAverageAccuracy(cm)], [expected.classAvg]));
s('perClassIoU: NaN only for a class absent from labels and predictions', () => {
  close(perClassIoU(cm), expected.iou);
  assert.ok(Number.isNaN(perClassIoU(cm)[3]));
  assert.is(perClassIoU(cm)[4], 0);
});
s('meanIoU: mean over defined classes', () => close([meanIoU(cm)], [expected.miou]));
s('pixelFrequency sums to 1', () => {
  close(pixelFrequency(cm), expected.freq);
  close([Array.from(pixelFrequency(cm)).reduce((a, b) => a + b, 0)], [1]);
});
s('edge: empty matrix gives NaN', () => {
  const empty = createConfusion(2);
  assert.ok(Number.isNaN(globalAccuracy(empty)));
  assert.ok(Number.isNaN(meanIoU(empty)));
  assert.ok(Number.isNaN(classAverageAccuracy(empty)));
});
s('golden: tiny matrix', () => {
  const m = addToConfusion(createConfusion(2), new Uint8Array([0, 0, 1, 1]), new Uint8Array([0, 1, 1, 1]));
  close([globalAccuracy(m), meanIoU(m), classAverageAccuracy(m)], [0.75, (1 / 2 + 2 / 3) / 2, 0.75]);
});
s.run();
