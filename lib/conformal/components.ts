/**
 * Object sizes of a label: each labelled pixel's connected region (4-neighbours, same label
 * value) and its share of the image, binned, so coverage can be told by object size: a pooled
 * guarantee can hide small objects that are always missed.
 */

/** Upper edges of the size bins, as a share of the image's pixels; the last bin is open. */
export const SIZE_EDGES = [0.001, 0.01, 0.1] as const;
export const SIZE_BINS = ['< 0.1%', '0.1-1%', '1-10%', '>= 10%'] as const;

/**
 * The size bin (index into SIZE_BINS) of each pixel's region; 255 for pixels with the ignored
 * label value. Regions are found by flood fill with an explicit stack (no recursion).
 */
export function sizeBins(label: Uint8Array, width: number, height: number, ignoreIndex: number | null): Uint8Array {
  const n = width * height;
  const bins = new Uint8Array(n).fill(255);
  const region = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const members: number[] = [];
  for (let start = 0; start < n; start++) {
    if (region[start] !== -1 || label[start] === ignoreIndex) continue;
    const value = label[start];
    let top = 0;
    stack[top++] = start;
    region[start] = start;
    members.length = 0;
    while (top > 0) {
      const px = stack[--top];
      members.push(px);
      const x = px % width;
      const left = x > 0 ? px - 1 : -1, right = x < width - 1 ? px + 1 : -1, up = px - width, down = px + width < n ? px + width : -1;
      for (const q of [left, right, up, down]) {
        if (q >= 0 && region[q] === -1 && label[q] === value) { region[q] = start; stack[top++] = q; }
      }
    }
    const share = members.length / n;
    let bin = 0;
    while (bin < SIZE_EDGES.length && share >= SIZE_EDGES[bin]) bin++;
    for (const px of members) bins[px] = bin;
  }
  return bins;
}
