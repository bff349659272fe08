import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRanking, rankImages, rankingCsv } from '../lib/report/ranking';
import type { ReviewScores } from '../lib/report/review';
import { makeCommandProject } from './fixtures/command-project';

const ROOT = path.resolve(__dirname, '..');
const scores = (v: number): Partial<ReviewScores> => ({ bald: { mean: v, max: 1 - v, top10: v }, 'variation-ratio': { mean: v / 2, max: v, top10: v } });

const rank = suite('ranking');

rank('most uncertain first, ties in listing order, top K, images without the score left out', () => {
  const images = [{ file: 'a', review: scores(0.2) }, { file: 'b', review: scores(0.5) }, { file: 'c', review: scores(0.2) }, { file: 'd' }];
  assert.equal(rankImages(images, { by: 'bald' }).images.map((e) => e.file), ['b', 'a', 'c']);
  assert.equal(rankImages(images, { by: 'bald', reduction: 'max' }).images.map((e) => e.file), ['a', 'c', 'b']);
  assert.equal(rankImages(images, { by: 'bald', top: 1 }).images, [{ rank: 1, file: 'b', score: 0.5 }]);
  assert.equal(rankImages(images, { by: 'margin' }).images, []);
  const csv = rankingCsv(rankImages([{ file: 'x,"y".png', review: scores(0.1) }], { by: 'bald' }), [{ file: 'x,"y".png', review: scores(0.1) }]);
  assert.is(csv, 'rank,file,score,bald_mean,entropy_mean,variation-ratio_mean,margin_mean\n1,"x,""y"".png",0.1,0.1,,0.05,\n');
  assert.throws(() => checkRanking({ by: 'mi' as 'bald' }), /--rank-by must be one of bald, entropy, variation-ratio, margin/);
  assert.throws(() => checkRanking({ by: 'bald', top: 0 }), /--top must be an integer >= 1/);
});

rank('report --rank-by variation-ratio --top 2: ranking.csv, summary.json ranking and per-image variationRatio, heatmaps', () => {
  const project = makeCommandProject({ count: 3 });
  try {
    const out = path.join(project.dir, 'out');
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'bin', 'cli.ts'), 'report', project.images, '--model', project.model,
      '--card', project.card, '--samples', '6', '--dropout-rate', '0.5', '--out', out, '--rank-by', 'variation-ratio', '--top', '2'], { cwd: ROOT, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
      images: { file: string; variationRatio: number; review: ReviewScores; outputs: { variationRatio: string } }[];
      ranking: { by: string; images: { rank: number; file: string; score: number }[] };
    };
    for (const i of summary.images) {
      assert.type(i.variationRatio, 'number');
      assert.ok(i.variationRatio >= 0 && i.variationRatio <= 1 - 1 / 4);
      assert.is(i.review['variation-ratio'].mean, i.variationRatio);
      assert.ok(existsSync(path.join(out, i.outputs.variationRatio)), 'variation-ratio heatmap written');
    }
    assert.ok(summary.images.some((i) => i.variationRatio > 0), 'labels flip across samples at rate 0.5');
    const expected = [...summary.images].sort((a, b) => b.variationRatio - a.variationRatio).slice(0, 2).map((i) => i.file);
    assert.is(summary.ranking.by, 'variation-ratio');
    assert.equal(summary.ranking.images.map((e) => e.file), expected);
    const csv = readFileSync(path.join(out, 'ranking.csv'), 'utf8').trim().split('\n');
    assert.is(csv.length, 3);
    assert.match(csv[1], new RegExp(`^1,${expected[0].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')},`));
    assert.match(readFileSync(path.join(out, 'index.html'), 'utf8'), /Variation ratio/);
    const bad = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'bin', 'cli.ts'), 'report', project.images, '--model', project.model,
      '--card', project.card, '--out', out, '--rank-by', 'bald', '--top', '0'], { cwd: ROOT, encoding: 'utf8' });
    assert.is(bad.status, 2);
    assert.match(bad.stderr, /--top must be an integer >= 1, got 0/);
  } finally {
    project.cleanup();
  }
});
rank.run();
