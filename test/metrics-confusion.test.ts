import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addToConfusion, confusionFromJSON, confusionToJSON, createConfusion, mergeConfusion } from '../lib/metrics/confusion';
import { createRandom, nextInt } from '../lib/metrics/random';
import { throwsError } from './fixtures/throws';

function randomImage(seed: number, n: number, c: number, ignore: number) {
  const r = createRandom(seed);
  const labels = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = nextInt(r, 10) === 0 ? ignore : nextInt(r, c);
    predicted[i] = nextInt(r, 3) === 0 ? nextInt(r, c) : labels[i] % c;
  }
  return { labels, predicted };
}

/** reference: explicit nested loops over (row, col, pixel) */
function referenceCounts(images: { labels: Uint8Array; predicted: Uint8Array }[], c: number, ignore: number): number[] {
  const out: number[] = [];
  for (let row = 0; row < c; row++) {
    for (let col = 0; col < c; col++) {
      let n = 0;
      for (const im of images) {
        for (let i = 0; i < im.labels.length; i++) if (im.labels[i] !== ignore && im.labels[i] === row && im.predicted[i] === col) n++;
      }
      out.push(n);
    }
  }
  return out;
}

const create = suite('createConfusion');
create('zeros C x C', () => {
  const cm = createConfusion(3);
  assert.is(cm.numClasses, 3);
  assert.equal(Array.from(cm.counts), new Array(9).fill(0));
});
create('EXPECTED FAILURE: numClasses out of range', () => {
  assert.throws(() => createConfusion(0), (e: unknown) => e instanceof RangeError && /numClasses.*0/.test(e.message));
  throwsError(() => createConfusion(2.5), RangeError, /^numClasses must be an integer in 1\.\.256, got 2\.5$/);
  throwsError(() => createConfusion(257), RangeError, /^numClasses must be an integer in 1\.\.256, got 257$/);
});
create.run();

const add = suite('addToConfusion');
add('matches the loop reference on random images, skipping ignore', () => {
  const c = 5;
  const images = [randomImage(1, 3000, c, 11), randomImage(2, 2000, c, 11)];
  const cm = createConfusion(c);
  for (const im of images) addToConfusion(cm, im.labels, im.predicted, 11);
  assert.equal(Array.from(cm.counts), referenceCounts(images, c, 11));
});
add('rows are labels, cols predictions', () => {
  const cm = addToConfusion(createConfusion(2), new Uint8Array([0, 0, 1]), new Uint8Array([1, 1, 1]));
  assert.equal(Array.from(cm.counts), [0, 2, 0, 1]);
});
add('EXPECTED FAILURE: label out of range names value and pixel', () => {
  assert.throws(
    () => addToConfusion(createConfusion(3), new Uint8Array([0, 1, 7]), new Uint8Array(3), 11),
    (e: unknown) => e instanceof RangeError && /labels\[2\] = 7/.test(e.message),
  );
  throwsError(() => addToConfusion(createConfusion(3), new Uint8Array([0]), new Uint8Array([3])), RangeError, /^predicted\[0\] = 3 is not a class index \(numClasses 3\)$/);
});
add('BAD CALL: wrong array kinds and lengths', () => {
  throwsError(() => addToConfusion(createConfusion(3), [0] as unknown as Uint8Array, new Uint8Array(1)), TypeError, /^labels must be a Uint8Array, got Array$/);
  throwsError(() => addToConfusion(createConfusion(3), new Uint8Array(2), new Uint8Array(1)), RangeError, /^predicted must have length 2, got 1$/);
  throwsError(() => addToConfusion(createConfusion(3), new Uint8Array(1), new Uint8Array(1), 300), RangeError, /^ignoreIndex must be an integer in 0\.\.255, got 300$/);
});
add.run();

const merge = suite('mergeConfusion');
merge('merge(A, B) equals the stats over A ∪ B exactly; JSON round-trips', () => {
  const c = 4;
  const a = randomImage(3, 1000, c, 255);
  const b = randomImage(4, 1500, c, 255);
  const sa = addToConfusion(createConfusion(c), a.labels, a.predicted, 255);
  const sb = addToConfusion(createConfusion(c), b.labels, b.predicted, 255);
  const all = addToConfusion(addToConfusion(createConfusion(c), a.labels, a.predicted, 255), b.labels, b.predicted, 255);
  assert.equal(confusionToJSON(mergeConfusion(sa, sb)), confusionToJSON(all));
  const json = JSON.parse(JSON.stringify(confusionToJSON(all))) as unknown;
  assert.equal(confusionToJSON(confusionFromJSON(json)), confusionToJSON(all));
});
merge('EXPECTED FAILURE: different numClasses; bad JSON', () => {
  throwsError(() => mergeConfusion(createConfusion(2), createConfusion(3)), RangeError, /^cannot merge statistics with different numClasses: 2 vs 3$/);
  throwsError(() => confusionFromJSON({ numClasses: 2, counts: [1, 2, 3] }), RangeError, /^confusion\.counts must have length 4, got 3$/);
  throwsError(() => confusionFromJSON(null), TypeError, /^confusion must be an object, got null$/);
});
merge.run();
