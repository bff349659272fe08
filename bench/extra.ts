/**
 * The benchmark's other modes: peak RSS of the engine in a clean child process, the chunk-size
 * sweep behind DEFAULT_BATCH, a stage profile of one image, and the folder-overlap check.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fillDropoutMask, imageKeyFromDigest } from '../lib/engine/masks';
import { createAccumulator, mergeChunk } from '../lib/engine/uncertainty-maps';
import { PreparedImage, Segmenter } from '../lib/engine/segmenter';
import { finishMaps } from '../lib/engine/uncertainty-maps';
import { runReport } from '../lib/commands/report';
import { writeImageOutputs } from '../lib/report/image-outputs';
import { BenchModel } from './setup';

type Log = (s: string) => void;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** In the child: one image (random pixels) at N samples; prints peak RSS as JSON. */
export async function rssChild(modelPath: string, samples: number): Promise<void> {
  const seg = await Segmenter.create({ model: modelPath });
  const { width, height } = seg.card.input;
  const input = new Float32Array(3 * width * height).map((_, i) => Math.sin(i * 0.37));
  const beforeMb = process.resourceUsage().maxRSS / 1024;
  const t0 = performance.now();
  await seg.sample({ file: 'rss', digest: '0123456789abcdef', image: { width, height, data: new Uint8Array(width * height * 3) }, format: 'png', orientation: 1, input },
    { samples, seed: 0 });
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ samples, batch: seg.sampler.batch, ms, beforeSampleMb: beforeMb, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  await seg.release();
}

export interface RssResult { samples: number; batch: number; ms: number; beforeSampleMb: number; maxRssMb: number }

export async function runRssChild(modelArgs: readonly string[], samples: number): Promise<RssResult> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'bench.ts'), '--rss-child', ...modelArgs,
    '--rss-samples', String(samples)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = (r.stdout || '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`RSS child failed (${r.status}): ${(r.stderr || '').slice(-500)}`);
  return JSON.parse(last) as RssResult;
}

/** (a) at N samples for each chunk size K, interleaved per repetition. */
export async function chunkSweep(model: BenchModel, files: readonly string[], ks: readonly number[], n: number, reps: number, log: Log)
  : Promise<void> {
  const segs = new Map<number, Segmenter>();
  for (const k of ks) segs.set(k, await Segmenter.create({ model: model.path, batch: k }));
  const first = segs.get(ks[0]) as Segmenter;
  const prepared = await Promise.all(files.map((f) => first.prepare(readFileSync(f), f)));
  for (const k of ks) await (segs.get(k) as Segmenter).sample(prepared[0], { samples: Math.min(n, 2 * k), seed: 0 });
  const times = new Map<number, number[]>();
  for (let rep = 0; rep < reps; rep++) {
    for (const p of prepared) {
      for (const k of ks) {
        const t0 = performance.now();
        await (segs.get(k) as Segmenter).sample(p, { samples: n, seed: 0 });
        times.set(k, [...(times.get(k) ?? []), performance.now() - t0]);
      }
    }
    log(`  rep ${rep + 1}/${reps}: ${ks.map((k) => `K=${k} ${median(times.get(k) as number[]).toFixed(0)}`).join(', ')} ms`);
  }
  const base = median(times.get(ks[0]) as number[]);
  log(`\n| K (samples per suffix run) | ms/image at N=${n} | vs K=${ks[0]} |\n|---:|---:|---:|`);
  for (const k of ks) {
    const m = median(times.get(k) as number[]);
    log(`| ${k} | ${m.toFixed(0)} | ${(m / base).toFixed(2)} |`);
  }
  for (const s of segs.values()) await s.release();
}

/** Where the time of one image goes: the sampler's stages replayed with timers, then the report's writing. */
export async function profileSpans(model: BenchModel, files: readonly string[], counts: readonly number[], reps: number, log: Log)
  : Promise<void> {
  const seg = await Segmenter.create({ model: model.path });
  const sampler = seg.sampler;
  const points = seg.compiled.points;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-bench-'));
  try {
    for (const n of counts) {
      const spans = new Map<string, number[]>();
      const add = (name: string, ms: number): void => { spans.set(name, [...(spans.get(name) ?? []), ms]); };
      for (let rep = 0; rep < reps + 1; rep++) {
        for (const file of files) {
          const bytes = readFileSync(file);
          let t = performance.now();
          const p: PreparedImage = await seg.prepare(bytes, file);
          const step = (name: string): void => { const now = performance.now(); if (rep > 0) add(name, now - t); t = now; };
          step('read+decode+resize+preprocess (prepare)');
          const shared = await sampler.runPrefix(p.input);
          step('prefix run');
          const key = imageKeyFromDigest(p.digest);
          let acc = null, dims: readonly number[] = [], maskMs = 0;
          for (let done = 0; done < n;) {
            const k = Math.min(sampler.batch, n - done);
            const m0 = performance.now();
            points.forEach((pt, q) => {
              const buf = new Float32Array(pt.size * k);
              for (let s = 0; s < k; s++) fillDropoutMask(buf, s * pt.size, pt.size, pt.rate, 0, key, done + s, q);
            });
            maskMs += performance.now() - m0;
            t = performance.now();
            const chunk = await sampler.runChunk(shared, done, k, 0, key);
            step('suffix runs (incl. their masks)');
            dims = chunk.dims;
            acc ??= createAccumulator(dims[1], dims[2] * dims[3]);
            mergeChunk(acc, k, chunk.mean, chunk.m2, chunk.entropySum, chunk.votes);
            step('Float64 merge');
            done += k;
          }
          if (rep > 0) add('  of which mask generation', maskMs);
          const maps = finishMaps(acc as ReturnType<typeof createAccumulator>, dims[1], dims[3], dims[2], n);
          step('finishMaps');
          writeImageOutputs(tmp, `img-${rep}`, p.image, maps, seg.card);
          step('report image outputs (render + PNG encode + write)');
        }
      }
      const rows = [...spans].map(([name, xs]) => ({ name, ms: xs.reduce((a, b) => a + b, 0) / (reps * files.length) }));
      const total = rows.filter((r) => !r.name.startsWith(' ')).reduce((a, r) => a + r.ms, 0);
      log(`\nN=${n}, K=${sampler.batch}: mean ms per image over ${reps} reps x ${files.length} images\n| stage | ms/image | share |\n|---|---:|---:|`);
      for (const r of rows.sort((x, y) => y.ms - x.ms)) log(`| ${r.name} | ${r.ms.toFixed(1)} | ${(100 * r.ms / total).toFixed(1)}% |`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await seg.release();
  }
}

/** `report` on the images at N=1: wall time per image (after the model is loaded) vs session time per image. */
export async function folderOverlap(model: BenchModel, files: readonly string[], reps: number, log: Log): Promise<void> {
  const ratios: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const out = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-folder-'));
    try {
      let start = 0;
      const summary = await runReport({ model: model.path, inputs: files, out, samples: 1,
        onEvent: (e) => { if (e.type === 'start') start = performance.now(); } });
      const wall = (performance.now() - start) / files.length;
      const session = summary.images.reduce((a, i) => a + i.ms, 0) / summary.images.length;
      ratios.push(wall / session);
      log(`  rep ${rep + 1}/${reps}: ${files.length} images, wall ${wall.toFixed(0)} ms/image, session ${session.toFixed(0)} ms/image, ratio ${(wall / session).toFixed(2)}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  log(`folder at N=1: wall / session time per image, median ${median(ratios).toFixed(2)} (target <= 1.2)`);
}
