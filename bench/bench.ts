/**
 * `npm run bench`: segnet-uq's MC engine side by side with the plain ways of sampling, on the
 * same model, images and sample counts, in one process with the methods interleaved per
 * repetition (a, b, c, d, e, a, b, ...) so machine load affects all alike. Results and the
 * reading of them: bench/RESULTS.md.
 *
 *   npm run bench -- [--model M.onnx | --large] [--images DIR] [--image-count 2] [--counts 1,10,50]
 *                    [--reps 3] [--methods abcde] [--json] [--rss] [--chunks 1,2,4,5,8] [--profile] [--folder]
 *                    [--auto-only] [--image-count 16] [--unseen-count 16]   (auto and analytic beside N=50, val and unseen)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { PreparedImage, Segmenter } from '../lib/engine/segmenter';
import { batchRun, floorRuns, plainRuns, plainSession, PlainModel, withBatch } from './plain';
import { BenchModel, benchImages, CACHE, CAMVID_VAL, largeModel, namedModel } from './setup';
import { autoSection } from './auto-n';
import { unseenSet } from './unseen-set';
import { endToEnd, endToEndTable } from './end-to-end';
import { TorchMc, torchMissing, writeWeights } from './torch-client';
import { chunkSweep, folderOverlap, rssChild, runRssChild } from './extra';

const METHODS = {
  a: 'segnet-uq engine',
  b: 'ORT disabled, N runs, JS aggregation',
  c: 'ORT disabled, one batch of N',
  d: 'PyTorch MC dropout loop',
  e: "floor: N runs at 'all', no dropout",
} as const;
type Method = keyof typeof METHODS;

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const list = (s: string): number[] => s.split(',').map(Number);
/** n of `all`, evenly spread (the k-th at floor(k |all| / n)). */
const spread = <T>(all: readonly T[], n: number): T[] => Array.from({ length: Math.min(n, all.length) }, (_, k) => all[Math.floor((k * all.length) / Math.min(n, all.length))]);

async function main(): Promise<void> {
  const argv = yargs(hideBin(process.argv))
    .option('model', { type: 'string', describe: '.onnx with a card beside it [default: the shipped model]' })
    .option('large', { type: 'boolean', default: false, describe: 'the SegNet-shaped 352x480 model (exported into bench/.cache/)' })
    .option('widths', { type: 'string', default: '32,64,128,256,256', describe: 'with --large: encoder widths' })
    .option('images', { type: 'string', describe: 'image folder [default: ../shared/datasets/camvid/val, else generated]' })
    .option('image-count', { type: 'number', default: 2 })
    .option('counts', { type: 'string', default: '1,10,50', describe: 'sample counts N' })
    .option('reps', { type: 'number', default: 3 })
    .option('methods', { type: 'string', default: 'abcde' })
    .option('json', { type: 'boolean', default: false })
    .option('rss', { type: 'boolean', default: false, describe: 'peak RSS of (a) in a child process, N=--rss-samples' })
    .option('rss-samples', { type: 'number', default: 100 })
    .option('rss-child', { type: 'boolean', default: false, hidden: true })
    .option('chunks', { type: 'string', describe: 'instead: time (a) at N=--chunk-samples for each chunk size K' })
    .option('chunk-samples', { type: 'number', default: 50 })
    .option('profile', { type: 'boolean', default: false, describe: 'instead: the end-to-end report accounting at each of --counts' })
    .option('folder', { type: 'boolean', default: false, describe: 'instead: report on the images at N=1, wall vs session time' })
    .option('labels', { type: 'string', describe: 'label folder for the auto-N table [default: valannot beside CamVid val]' })
    .option('e2e-samples', { type: 'number', default: 50, describe: 'N of the end-to-end report accounting (0: skip it)' })
    .option('auto-tolerances', { type: 'string', default: '0.04,0.05,0.06', describe: "tolerances of the auto-N table ('': skip it)" })
    .option('auto-record', { type: 'string', describe: 'JSON lines of the auto-N recording, reused for images already in it [default: bench/.cache/auto-n.jsonl]' })
    .option('auto-only', { type: 'boolean', default: false, describe: 'instead: only the auto-N table' })
    .option('auto-images', { type: 'number', describe: 'images of the auto-N table, evenly spread over the sorted folder [default: the --image-count first]' })
    .option('unseen-count', { type: 'number', default: 16, describe: 'images of the unseen set (bench/unseen-set.ts: 0006R0, half corrupted) in the auto-N table (0: skip it)' })
    .option('out', { type: 'string', describe: 'also write the printed table (markdown) here' })
    .strict().parseSync();

  const model: BenchModel = argv.large ? largeModel(list(argv.widths)) : namedModel(argv.model);
  if (argv.rssChild) return rssChild(model.path, argv.rssSamples);
  const { files, source } = benchImages(argv.images, argv.imageCount);
  const log = (s: string): void => { if (!argv.json) console.log(s); };
  log(`model ${path.relative(process.cwd(), model.path)} (${model.height}x${model.width}), images: ${files.length} from ${source}`);
  if (argv.chunks) return chunkSweep(model, files, list(argv.chunks), argv.chunkSamples, argv.reps, log);
  if (argv.folder) return folderOverlap(model, files, argv.reps, log);
  const labels = argv.labels ?? (source === CAMVID_VAL ? path.join(path.dirname(CAMVID_VAL), 'valannot') : undefined);
  const extras = async (): Promise<string[]> => {
    const parts: string[] = [];
    if (argv.e2eSamples > 0 && !argv.autoOnly) parts.push(endToEndTable(await endToEnd(model.path, files, argv.e2eSamples, Math.max(1, Math.min(argv.reps, 2)), labels)));
    if (argv.autoTolerances === '') return parts;
    if (!labels || !existsSync(labels)) parts.push('auto-N table skipped: no labels (--labels DIR)');
    else parts.push(await autoSection(model.path, argv.autoImages ? spread(benchImages(argv.images, Infinity).files, argv.autoImages) : files, labels, list(argv.autoTolerances), argv.autoRecord ?? path.join(CACHE, 'auto-n.jsonl'), log));
    if (argv.unseenCount > 0 && !argv.model && !argv.large) {
      // the rule's check off the training drive's val frames: the same rows on frames val does not contain
      const unseen = await unseenSet();
      const names = readdirSync(unseen.images).sort().slice(0, argv.unseenCount);
      parts.push(await autoSection(model.path, names.map((n) => path.join(unseen.images, n)), unseen.labels, list(argv.autoTolerances),
        path.join(CACHE, 'auto-n-unseen.jsonl'), log, 'unseen (0006R0, half corrupted)'));
    }
    return parts;
  };
  if (argv.profile) {
    for (const n of list(argv.counts)) log(`\n${endToEndTable(await endToEnd(model.path, files, n, argv.reps, labels))}`);
    return;
  }
  if (argv.autoOnly) return void log(`\n${(await extras()).join('\n\n')}`);

  const counts = list(argv.counts);
  const methods = [...argv.methods].filter((m): m is Method => m in METHODS);
  const skipped: Record<string, string> = {};
  const segmenter = await Segmenter.create({ model: model.path });
  const prepared: PreparedImage[] = await Promise.all(files.map((f) => segmenter.prepare(readFileSync(f), f)));
  const bytes = readFileSync(model.path);
  const dims = [1, 3, model.height, model.width];
  const disabled = methods.includes('b') ? await plainSession(bytes, 'disabled', dims) : null;
  const floor = methods.includes('e') ? await plainSession(bytes, 'all', dims) : null;
  const batched = new Map<number, PlainModel>();
  if (methods.includes('c')) {
    for (const n of counts) {
      const bytesOfActivations = n * model.height * model.width * 4 * 256;
      if (bytesOfActivations > 6 * 2 ** 30) { skipped[`c N=${n}`] = 'batch too large for memory'; continue; }
      try {
        batched.set(n, await plainSession(withBatch(bytes, n), 'disabled', [n, 3, model.height, model.width]));
      } catch (err) {
        skipped.c = `the batch-N copy does not load: ${(err as Error).message.split('\n')[0]}`;
        break;
      }
    }
  }
  let torch: TorchMc | null = null;
  const inputFiles = prepared.map((p, k) => {
    const f = path.join(CACHE, `input-${k}.f32`);
    writeFileSync(f, new Uint8Array(p.input.buffer, p.input.byteOffset, p.input.byteLength));
    return f;
  });
  if (methods.includes('d')) {
    const missing = torchMissing() ?? (model.widths ? null : 'the model is not models/training/segnet.py\'s BayesianSegNet');
    if (missing) skipped.d = missing;
    else {
      const w = writeWeights(bytes, path.join(CACHE, `weights-${path.basename(model.path, '.onnx')}`));
      torch = await TorchMc.start({ ...w, height: model.height, width: model.width, widths: model.widths as number[], classes: model.classes });
    }
  }
  let torchRss = 0;
  const runOne = async (m: Method, n: number, k: number): Promise<number | null> => {
    const input = prepared[k].input;
    const t0 = performance.now();
    switch (m) {
      case 'a': await segmenter.sample(prepared[k], { samples: n, seed: 0 }); break;
      case 'b': await plainRuns(disabled as PlainModel, input, n); break;
      case 'c': { const s = batched.get(n); if (!s) return null; await batchRun(s, input, n); break; }
      case 'd': {
        if (!torch) return null;
        const r = await torch.run(n, inputFiles[k]);
        torchRss = Math.max(torchRss, r.maxRssMb);
        return r.ms;
      }
      case 'e': await floorRuns(floor as PlainModel, input, n); break;
    }
    return performance.now() - t0;
  };

  log('warm-up (N=1, every method; the first batch-N run of (c) per N falls in repetition 1)');
  for (const m of methods) await runOne(m, 1, 0);
  const times = new Map<string, number[]>();
  for (let rep = 0; rep < argv.reps; rep++) {
    for (const n of counts) {
      for (let k = 0; k < prepared.length; k++) {
        for (const m of methods) {
          const ms = await runOne(m, n, k);
          if (ms === null) continue;
          const key = `${m}${n}`;
          times.set(key, [...(times.get(key) ?? []), ms]);
        }
      }
      log(`  rep ${rep + 1}/${argv.reps} N=${n}: ${methods.map((m) => `${m} ${median(times.get(`${m}${n}`) ?? []).toFixed(0)}`).join(', ')} ms`);
    }
  }
  torch?.close();
  await segmenter.release();
  const rows = counts.map((n) => {
    const ms = Object.fromEntries(methods.map((m) => [m, median(times.get(`${m}${n}`) ?? [])])) as Record<Method, number>;
    const ratio = (m: Method): number => ms.a / ms[m];
    return { n, ms, ratios: { 'a/b': ratio('b'), 'a/c': ratio('c'), 'a/d': ratio('d'), 'a/e': ratio('e') } };
  });
  const rss = argv.rss ? await runRssChild(argv.large ? ['--large', '--widths', argv.widths] : argv.model ? ['--model', argv.model] : [], argv.rssSamples) : null;
  const result = {
    date: new Date().toISOString(), node: process.version, cpus: require('os').cpus().length as number,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`, model: path.relative(process.cwd(), model.path),
    input: `${model.height}x${model.width}`, images: files.map((f) => path.basename(f)), reps: argv.reps,
    methods: Object.fromEntries(methods.map((m) => [m, METHODS[m]])), skipped, rows,
    torchMaxRssMb: torchRss || null, engineRss: rss,
  };
  if (argv.json) { console.log(JSON.stringify(result, null, 2)); return; }
  const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : '-');
  const table = [
    `| N | ${methods.map((m) => `(${m}) ms/image`).join(' | ')} | a/b | a/c | a/d | a/e |`,
    `|---|${methods.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
    ...rows.map((r) => `| ${r.n} | ${methods.map((m) => fmt(r.ms[m])).join(' | ')} | `
      + `${Object.values(r.ratios).map((v) => (Number.isFinite(v) ? v.toFixed(2) : '-')).join(' | ')} |`),
  ].join('\n');
  const notes = [
    ...methods.map((m) => `(${m}) ${METHODS[m]}`),
    ...Object.entries(skipped).map(([m, why]) => `skipped ${m}: ${why}`),
    torchRss ? `PyTorch child peak RSS ${torchRss.toFixed(0)} MB` : '',
    rss ? `engine (a) peak RSS, N=${rss.samples} in a child process: ${rss.maxRssMb.toFixed(0)} MB (${rss.ms.toFixed(0)} ms)` : '',
  ].filter(Boolean).join('\n');
  const more = (await extras()).join('\n\n');
  console.log(`\n${table}\n\n${notes}\n\n${more}`);
  if (argv.out) writeFileSync(argv.out, `${result.command}\n\n${table}\n\n${notes}\n\n${more}\n`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
