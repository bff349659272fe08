/**
 * `calibrate --samples analytic` end to end on the tiny segnet-mini project: calibration.json and
 * summary.json record samples 'analytic' with the metrics and per-image times a fixed N gives;
 * the maps are the moment graph's (compared with AnalyticPass run directly); the same seed gives
 * the same numbers; --tolerance is refused with it.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AnalyticPass } from '../lib/analytic/pass';
import { runCalibrate } from '../lib/commands/calibrate';
import { resolveSampleCount } from '../lib/engine/convergence';
import { Segmenter } from '../lib/engine/segmenter';
import { readModel } from '../lib/onnx/model';
import { makeCommandProject } from './fixtures/command-project';

const project = makeCommandProject({ count: 2 });
const s = suite('calibrate --samples analytic');
s.after(() => project.cleanup());

s('writes calibration.json and summary.json with samples "analytic", metrics and per-image ms; same seed, same numbers', async () => {
  const run = async (name: string): Promise<{ cal: Record<string, any>; sum: Record<string, any> }> => {
    const out = path.join(project.dir, name);
    await runCalibrate({ model: project.model, card: project.card, inputs: [project.images], labels: project.labels, out, samples: 'analytic', seed: 3, images: false });
    return { cal: JSON.parse(readFileSync(path.join(out, 'calibration.json'), 'utf8')), sum: JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) };
  };
  const a = await run('a');
  assert.is(a.cal.samples, 'analytic');
  assert.is(a.sum.samples, 'analytic');
  assert.ok(a.cal.metrics.meanIoU >= 0 && a.cal.metrics.meanIoU <= 1);
  for (const k of ['entropy', 'mutualInformation']) assert.type(a.cal.metrics.uncertainty[k].auroc, 'number');
  assert.is(a.sum.images.length, 2);
  for (const i of a.sum.images) { assert.ok(i.ms > 0); assert.is(i.samples, 1); assert.ok(i.meanMutualInformation > 0, `MI ${i.meanMutualInformation}`); }
  const b = await run('b');
  assert.equal(b.cal.metrics, a.cal.metrics);
});

s('the maps are AnalyticPass\'s: the Segmenter runs the moment graph with the card\'s settings', async () => {
  const seg = await Segmenter.create({ model: project.model, card: project.card });
  try {
    const prepared = await seg.prepare(readFileSync(project.files[0]), project.files[0]);
    const viaSegmenter = (await seg.sample(prepared, { samples: 'analytic', seed: 1 })).maps;
    const pass = await AnalyticPass.create(readModel(project.model).model, { inputName: seg.compiled.inputName, inputDims: seg.compiled.inputDims,
      outputName: seg.card.output.name ?? 'logits', outputKind: seg.card.output.kind, temperature: seg.card.temperature ?? 1 });
    const direct = await pass.run(prepared.input, 1);
    await pass.release();
    assert.equal(Array.from(viaSegmenter.meanProbs), Array.from(direct.meanProbs));
    assert.equal(Array.from(viaSegmenter.mutualInformation), Array.from(direct.mutualInformation));
  } finally {
    await seg.release();
  }
});

s('--samples analytic takes no --tolerance or --max-samples', () => {
  assert.is(resolveSampleCount('analytic'), 'analytic');
  assert.throws(() => resolveSampleCount('analytic', 0.05), (e: Error) => /--tolerance and --max-samples need --samples auto/.test(e.message));
  assert.throws(() => resolveSampleCount('anlytic'), (e: Error) => /--samples must be .*'auto' or 'analytic', got 'anlytic'/.test(e.message));
});

s.run();
