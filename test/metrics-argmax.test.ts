import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { argmaxClasses } from '../lib/metrics/argmax';
import { createRandom, nextRandom } from '../lib/metrics/random';

const s = suite('argmaxClasses');
s('the most probable class per pixel and its probability, against a pixel-major reference', () => {
  const C = 5, pixels = 37;
  const r = createRandom(7);
  const probs = Float32Array.from({ length: C * pixels }, () => nextRandom(r));
  const { predicted, confidence } = argmaxClasses(probs, C);
  assert.is(predicted.length, pixels);
  for (let px = 0; px < pixels; px++) {
    const column = Array.from({ length: C }, (_, c) => probs[c * pixels + px]);
    const max = Math.max(...column);
    assert.is(predicted[px], column.indexOf(max), `pixel ${px}`);
    assert.is(confidence[px], max);
  }
});
s('ties go to the first class; one class is class 0', () => {
  // pixel 0: classes 1 and 2 tie; pixel 1: every class 0.25
  const probs = Float32Array.from([0.1, 0.25, 0.45, 0.25, 0.45, 0.25, 0, 0.25]);
  const { predicted, confidence } = argmaxClasses(probs, 4);
  assert.equal(Array.from(predicted), [1, 0]);
  assert.equal(Array.from(confidence), [Math.fround(0.45), 0.25]);
  assert.equal(Array.from(argmaxClasses(Float32Array.from([0.3, 0.7]), 1).predicted), [0, 0]);
});
s('EXPECTED FAILURE: a length that is not classes x pixels', () => {
  assert.throws(() => argmaxClasses(new Float32Array(7), 2), /7 probabilities are not 2 classes/);
});
s.run();
