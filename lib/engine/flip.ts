/**
 * Test-time augmentation by horizontal flip (`--tta flip`): odd MC samples see the mirrored image,
 * and their maps are mirrored back before they are merged, so sample s keeps its own mask s and
 * runs stay nested and reproducible whatever the chunking.
 */

/** 'none': every sample sees the image; 'flip': odd-numbered samples see its mirror image. */
export type Tta = 'none' | 'flip';
export const TTA_MODES: readonly Tta[] = ['none', 'flip'];

/** Whether sample index s (0-based, over the whole run) sees the mirrored image. */
export function isMirrored(tta: Tta, sample: number): boolean {
  return tta === 'flip' && sample % 2 === 1;
}

/** A copy of `data` (rows of width w, row-major: [..., H, W]) mirrored left-right. */
export function mirrorWidth(data: Float32Array, w: number): Float32Array {
  const out = new Float32Array(data.length);
  const rows = data.length / w;
  if (!Number.isInteger(rows)) throw new RangeError(`mirrorWidth: ${data.length} values are not whole rows of width ${w}`);
  for (let r = 0; r < rows; r++) {
    const base = r * w;
    const last = base + w - 1;
    for (let x = 0; x < w; x++) out[base + x] = data[last - x];
  }
  return out;
}

/**
 * The sample indices [first, first+k) grouped into runs of one orientation each, in index order
 * within a run: a session run aggregates its samples in-graph, so orientations cannot share one.
 */
export function orientationRuns(tta: Tta, first: number, k: number): { mirrored: boolean; samples: number[] }[] {
  const plain: number[] = [];
  const mirrored: number[] = [];
  for (let s = first; s < first + k; s++) (isMirrored(tta, s) ? mirrored : plain).push(s);
  const runs: { mirrored: boolean; samples: number[] }[] = [];
  if (plain.length > 0) runs.push({ mirrored: false, samples: plain });
  if (mirrored.length > 0) runs.push({ mirrored: true, samples: mirrored });
  return runs;
}
