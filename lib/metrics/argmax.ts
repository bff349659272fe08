/**
 * The class map of class-major probabilities: per pixel the most probable class (the first of
 * equal maxima, as ONNX ArgMax and torch.argmax) and its probability, the confidence.
 */

/** @param probs class-major [C, pixels] */
export function argmaxClasses(probs: Float32Array, numClasses: number): { predicted: Uint8Array; confidence: Float32Array } {
  const pixels = probs.length / numClasses;
  if (!Number.isInteger(pixels)) throw new RangeError(`argmaxClasses: ${probs.length} probabilities are not ${numClasses} classes x pixels`);
  const predicted = new Uint8Array(pixels);
  const confidence = new Float32Array(pixels);
  for (let px = 0; px < pixels; px++) {
    let best = -1, bestClass = 0;
    for (let c = 0, idx = px; c < numClasses; c++, idx += pixels) {
      const p = probs[idx];
      if (p > best) { best = p; bestClass = c; }
    }
    predicted[px] = bestClass;
    confidence[px] = best;
  }
  return { predicted, confidence };
}
