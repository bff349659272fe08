import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { checkRanking, rankImages, rankingCsv } from '../lib/report/ranking';
import type { ReportSummary } from '../lib/report/summary';
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
rank('runReport({ ranking }): summary.json written with the ranking, the one returned; --resume of a ranked summary re-ranks; a bad top throws before sampling', async () => {
  const project = makeCommandProject({ count: 3 });
  try {
    const out = path.join(project.dir, 'out');
    const base = { inputs: [project.images], model: project.model, card: project.card, samples: 4, seed: 2, dropoutRate: 0.5, out, images: false };
    const ranked = await runReport({ ...base, ranking: { by: 'bald', top: 2 } });
    const onDisk = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ReportSummary;
    assert.equal(onDisk, JSON.parse(JSON.stringify(ranked)), 'the summary returned is the one written');
    assert.equal(Object.keys(onDisk).slice(-1), ['ranking'], 'ranking: the last key, as before');
    assert.equal(ranked.ranking, rankImages(ranked.images, { by: 'bald', top: 2 }));
    assert.is(readFileSync(path.join(out, 'ranking.csv'), 'utf8'), rankingCsv(rankImages(ranked.images, { by: 'bald', top: 2 }), ranked.images));
    let resumed = 0;
    const again = await runReport({ ...base, resume: true, ranking: { by: 'entropy', reduction: 'max' }, onEvent: (e) => { if (e.type === 'image' && e.resumed) resumed++; } });
    assert.is(resumed, 3, 'a ranked summary.json resumes');
    assert.equal(again.ranking, rankImages(ranked.images, { by: 'entropy', reduction: 'max' }));
    const plain = await runReport({ ...base, resume: true });
    assert.is(plain.ranking, undefined);
    assert.not.ok('ranking' in (JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as object), 'no ranking asked: none written');
    let sampled = false;
    try {
      await runReport({ ...base, out: path.join(project.dir, 'out2'), ranking: { by: 'bald', top: 0 }, onEvent: () => { sampled = true; } });
      assert.unreachable('top 0 accepted');
    } catch (err) {
      assert.instance(err, RangeError);
      assert.match((err as Error).message, /--top must be an integer >= 1, got 0/);
    }
    assert.not.ok(sampled, 'checked before the run starts');
  } finally {
    project.cleanup();
  }
});

rank.run();
