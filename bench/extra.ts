/**
 * The benchmark's other modes: peak RSS of the engine in a clean child process, the chunk-size
 * sweep behind DEFAULT_BATCH and the folder-overlap check (the stage profile: end-to-end.ts).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Segmenter } from '../lib/engine/segmenter';
import { runReport } from '../lib/commands/report';
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
