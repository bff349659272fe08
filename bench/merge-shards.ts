/**
 * Merge time and memory against the shard count (a benchmark, not a test; bench/RESULTS.md).
 *
 *   npx tsx bench/merge-shards.ts TEMPLATE_SHARD [--counts 10,100,1000] [--images-per-shard 10] [--work DIR]
 *
 * TEMPLATE_SHARD is the folder of one real `calibrate --shard` (or `audit --shard`) run with
 * --no-images, e.g. of the shipped model on CamVid: its calibration.json statistics and one
 * summary.json image entry are copied into COUNT synthetic shard folders of IMAGES-PER-SHARD
 * images each, whose keys hash to their shard, as `merge` requires. Each merge runs in a fresh
 * Node process (so its peak RSS is its own) and prints shards, images, seconds and peak RSS.
 */
import { execFileSync } from 'child_process';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shardOfText } from '../lib/shard';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function makeShards(template: string, count: number, perShard: number, work: string): string[] {
  const summary = JSON.parse(readFileSync(path.join(template, 'summary.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(path.join(template, 'shard.json'), 'utf8'));
  const image = summary.images[0];
  const keys: string[][] = Array.from({ length: count }, () => []);
  for (let j = 0; keys.some((k) => k.length < perShard); j++) {
    const key = `img-${j}.png`;
    const s = shardOfText(key, count);
    if (keys[s].length < perShard) keys[s].push(key);
  }
  return keys.map((ks, i) => {
    const dir = path.join(work, `shard-${i}`);
    mkdirSync(dir, { recursive: true });
    const images = ks.map((key, n) => ({ ...image, id: `${String(n).padStart(5, '0')}-${key}`, file: `data/${key}` }));
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ ...summary, images, errors: [] }));
    linkSync(path.join(template, 'calibration.json'), path.join(dir, 'calibration.json')); // the same statistics each time (a hard link: 6 MB each)
    writeFileSync(path.join(dir, 'shard.json'), JSON.stringify({
      ...manifest, shard: { ...manifest.shard, index: i, count }, inputs: ['data'], totalImages: count * perShard,
      images: ks.map((key) => ({ root: 0, key, file: `data/${key}`, sha256: image.sha256 })),
    }));
    return dir;
  });
}

if (process.argv[2] === '--child') {
  // one merge, measured from inside a fresh process
  const { runMerge } = require('../lib/commands/merge') as typeof import('../lib/commands/merge');
  const dirs = JSON.parse(readFileSync(process.argv[3], 'utf8')) as string[];
  const t0 = performance.now();
  const r = runMerge({ inputs: dirs, out: process.argv[4] });
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ shards: dirs.length, images: r.summary?.images.length, seconds: s, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
} else {
  const template = process.argv[2];
  if (!template) throw new Error('usage: bench/merge-shards.ts TEMPLATE_SHARD [--counts 10,100,1000] [--images-per-shard 10]');
  const counts = arg('counts', '10,100,1000').split(',').map(Number);
  const perShard = Number(arg('images-per-shard', '10'));
  const work = arg('work', path.join(os.tmpdir(), 'segnet-uq-bench-merge'));
  for (const count of counts) {
    rmSync(work, { recursive: true, force: true });
    const dirs = makeShards(template, count, perShard, path.join(work, 'shards'));
    const list = path.join(work, 'dirs.json');
    writeFileSync(list, JSON.stringify(dirs));
    const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', __filename, '--child', list, path.join(work, 'merged')], { encoding: 'utf8' });
    process.stdout.write(out);
  }
  rmSync(work, { recursive: true, force: true });
}
