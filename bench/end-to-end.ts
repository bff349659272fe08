/**
 * End-to-end accounting of `report` (npm run bench prints it): the time per image a user waits
 * for (runReport from its first image to summary.json and index.html, the model already loaded)
 * against the session time the engine reports, and where each image's time goes: decode,
 * preprocess, prefix, masks, suffix runs, aggregation (Float64 merge + maps), resizing (to the
 * display and label size), writing (render, PNG encode, files). The split replays the report's
 * steps with timers on the same images; the sampling is McSampler.sample's, its stages timed by
 * its onStage callback.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runReport } from '../lib/commands/report';
import { labelPathFor } from '../lib/run/inputs';
import { imageKeyFromDigest } from '../lib/engine/masks';
import type { SampleStage } from '../lib/engine/sampler';
import { Segmenter } from '../lib/engine/segmenter';
import { decodePhoto } from '../lib/image/decode-photo';
import { imageToInputTensor } from '../lib/image/preprocess';
import { DEFAULT_MAP_SIZE } from '../lib/defaults';
import { writeImageOutputs } from '../lib/report/image-outputs';
import { fitSize, resizeMaps } from '../lib/report/resize-maps';

export interface EndToEnd {
  readonly samples: number;
  readonly images: number;
  /** wall ms per image of runReport after the model was loaded */
  readonly wallMs: number;
  /** mean of summary.json's per-image ms (the sampling) */
  readonly sessionMs: number;
  /** wall / session - 1 */
  readonly overhead: number;
  /** ms per image by stage of the replay */
  readonly split: readonly { readonly stage: string; readonly ms: number }[];
}

/** runReport over `files` at N=`samples`; `labels` when the images have them. */
async function userSide(modelPath: string, files: readonly string[], samples: number, labels: string | undefined): Promise<{ wall: number; session: number }> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-e2e-'));
  try {
    let start = 0;
    const summary = await runReport({ model: modelPath, inputs: files, out, samples, labels,
      onEvent: (e) => { if (e.type === 'start') start = performance.now(); } });
    const wall = (performance.now() - start) / files.length;
    return { wall, session: summary.images.reduce((a, i) => a + i.ms, 0) / summary.images.length };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The sampler's stages (SampleOptions.onStage) as the table names them. */
const STAGE: Record<SampleStage, string> = {
  prefix: 'prefix run', masks: 'masks', suffix: 'suffix runs', aggregation: 'aggregation (merge + maps)', single: 'single pass (N=1, whole graph + maps)',
};

async function replay(seg: Segmenter, files: readonly string[], samples: number, labels: string | undefined, add: (stage: string, ms: number) => void): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-e2e-'));
  const sampler = seg.sampler;
  try {
    for (const [i, file] of files.entries()) {
      let t = performance.now();
      const step = (stage: string): void => { const now = performance.now(); add(stage, now - t); t = now; };
      const bytes = readFileSync(file);
      const { image } = await decodePhoto(bytes, { file });
      step('decode');
      const input = imageToInputTensor(image, seg.card.input);
      step('preprocess');
      const imageKey = imageKeyFromDigest(String(i).padStart(64, '0'));
      // the sampler's own loop, timed by stage (as report samples: N=1 is the single pass)
      const maps = await sampler.sample(input, { samples, seed: 0, imageKey, onStage: (stage, ms) => add(STAGE[stage], ms) });
      t = performance.now();
      const size = fitSize(image.width, image.height, DEFAULT_MAP_SIZE);
      const r0 = performance.now();
      resizeMaps(maps, size.width, size.height);
      const displayResize = performance.now() - r0;
      if (labels && labelPathFor(file, labels)) resizeMaps(maps, image.width, image.height, { withVariance: false });
      step('resizing (display + label size)');
      writeImageOutputs(tmp, `img-${i}`, image, maps, seg.card);
      // writeImageOutputs resizes to the display size itself: that part is counted above
      const now = performance.now();
      add('writing (render, PNG encode, files)', now - t - displayResize);
      add('resizing (display + label size)', 0);
      t = now;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function endToEnd(modelPath: string, files: readonly string[], samples: number, reps: number, labels: string | undefined): Promise<EndToEnd> {
  const walls: number[] = [], sessions: number[] = [];
  const spans = new Map<string, number>();
  const seg = await Segmenter.create({ model: modelPath });
  try {
    await replay(seg, files.slice(0, 1), samples, labels, () => undefined); // warm-up at the measured N: the sessions it runs (the single pass at N=1)
    for (let rep = 0; rep < reps; rep++) {
      const u = await userSide(modelPath, files, samples, labels);
      walls.push(u.wall);
      sessions.push(u.session);
      await replay(seg, files, samples, labels, (stage, ms) => spans.set(stage, (spans.get(stage) ?? 0) + ms));
    }
  } finally {
    await seg.release();
  }
  const wallMs = walls.reduce((a, b) => a + b, 0) / reps, sessionMs = sessions.reduce((a, b) => a + b, 0) / reps;
  return { samples, images: files.length, wallMs, sessionMs, overhead: wallMs / sessionMs - 1,
    split: [...spans].map(([stage, ms]) => ({ stage, ms: ms / (reps * files.length) })) };
}

export function endToEndTable(e: EndToEnd): string {
  const total = e.split.reduce((a, s) => a + s.ms, 0);
  return [
    `report at N=${e.samples} over ${e.images} images: ${e.wallMs.toFixed(0)} ms per image from the user's side, ${e.sessionMs.toFixed(0)} ms of it `
      + `sampling (summary.json ms): report adds ${(100 * e.overhead).toFixed(1)}% (target <= 10%)`,
    '',
    '| stage (replayed) | ms/image | share |',
    '|---|---:|---:|',
    ...e.split.map((s) => `| ${s.stage} | ${s.ms.toFixed(1)} | ${(100 * s.ms / total).toFixed(1)}% |`),
  ].join('\n');
}
