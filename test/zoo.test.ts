/**
 * A model zoo we did not write: torchvision's lraspp_mobilenet_v3_large,
 * deeplabv3_mobilenet_v3_large and fcn_resnet50 (random weights with BN statistics recomputed on
 * noise, 11 classes, Dropout modules in train mode, TrainingMode.PRESERVE) exported at opsets 13
 * and 17 by test/fixtures/zoo_export.py, one of them float16 and one with a dynamic H and W.
 * inspect and report run on each over two small images; fcn_resnet50's MC variance is checked
 * against PyTorch's own MC estimate with the same weights and input. Needs Debian's python3-torch,
 * python3-torchvision and python3-onnx (.ci/run installs them); SKIPPED without.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runInspect } from '../lib/commands/inspect';
import { runReport } from '../lib/commands/report';
import { encodePng } from '../lib/image/encode';
import type { ReportSummary } from '../lib/report/summary';
import { PYTHON, pythonHas } from './fixtures/python-check';

interface Export { file: string; model: string; opset: number; variant: 'fp32' | 'fp16' | 'dynamic'; dropouts: number }
interface Exported { models: Export[]; torchMc: { samples: number; rate: number; meanOfMeanVariance: number } }

const SIZE = 64;
/** lraspp has no Dropout: MC dropout is injected after its head's attention product */
const LRASPP_AT = '/net/classifier/Mul_output_0:0.3';

if (!pythonHas('torch', 'torchvision', 'onnx')) {
  console.log('  zoo: SKIPPED (no /usr/bin/python3 with torch, torchvision and onnx; .ci/run installs python3-torch python3-torchvision python3-onnx)');
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-zoo-'));
  const images = path.join(dir, 'images');
  let exported: Exported;
  const reports = new Map<string, ReportSummary>();
  const s = suite('torchvision zoo');
  s.before(() => {
    mkdirSync(images);
    // a uniform gray image at the model's size (PyTorch gets the same tensor) and noise at another size and aspect
    writeFileSync(path.join(images, 'gray.png'), encodePng({ width: SIZE, height: SIZE, data: new Uint8Array(SIZE * SIZE * 3).fill(128) }));
    let state = 1;
    const noise = new Uint8Array(80 * 48 * 3).map(() => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24);
    writeFileSync(path.join(images, 'noise.png'), encodePng({ width: 80, height: 48, data: noise }));
    const run = spawnSync(PYTHON, [path.join(__dirname, 'fixtures', 'zoo_export.py'), dir, String(SIZE)], { encoding: 'utf8', timeout: 240_000 });
    assert.is(run.status, 0, `zoo_export.py: ${run.stderr.slice(-1500)}`);
    exported = JSON.parse(run.stdout.trim().split('\n').pop() as string) as Exported;
  });
  s.after(() => rmSync(dir, { recursive: true, force: true }));

  s('six exports: three models at opsets 13 and 17, one float16, one with dynamic H and W', () => {
    assert.equal(exported.models.map((m) => `${m.model}@${m.opset}/${m.variant}`), [
      'lraspp_mobilenet_v3_large@13/fp32', 'lraspp_mobilenet_v3_large@17/fp32', 'deeplabv3_mobilenet_v3_large@13/dynamic',
      'deeplabv3_mobilenet_v3_large@17/fp16', 'fcn_resnet50@13/fp32', 'fcn_resnet50@17/fp32']);
  });
  s('inspect on each: the Dropout modules torch has, with their rates; the dynamic input stays symbolic', async () => {
    for (const m of exported.models) {
      const r = await runInspect({ model: m.file });
      assert.is(r.dropout.length, m.dropouts, `${m.file}: dropout nodes`);
      const rates = r.dropout.map((d) => Math.round(d.ratio * 1e6) / 1e6);
      assert.equal(rates, m.model === 'fcn_resnet50' ? [0.1] : m.model.startsWith('deeplab') ? [0.5] : [], m.file);
      assert.is(r.dropout.every((d) => d.trainingMode && !d.ratioProblem), true, m.file);
      if (m.variant === 'dynamic') assert.equal(r.inputs[0].dims.slice(2), ['H', 'W']);
      assert.ok(r.macs.total > 1e7, `${m.file}: ${r.macs.total} MACs`);
    }
  });
  s('report on each over two images: maps at each image size, samples that vary, no errors', async () => {
    for (const m of exported.models) {
      const summary = await runReport({ model: m.file, inputs: [images], out: path.join(dir, `report-${path.basename(m.file, '.onnx')}`), samples: 4, seed: 0,
        images: false, ...(m.model.startsWith('lraspp') ? { dropoutAt: [LRASPP_AT] } : {}) });
      reports.set(path.basename(m.file), summary);
      assert.equal(summary.errors, [], m.file);
      assert.equal(summary.images.map((i) => [path.basename(i.file), i.width, i.height]), [['gray.png', 64, 64], ['noise.png', 80, 48]]);
      for (const i of summary.images) {
        assert.ok(i.meanVariance > 1e-7, `${m.file} ${i.file}: mean variance ${i.meanVariance}`);
        assert.ok(i.meanEntropy > 0 && i.meanEntropy <= Math.log(11) + 1e-6, `${m.file} ${i.file}: entropy ${i.meanEntropy}`);
      }
    }
  });
  s('the float16 export gives the float32 one\'s numbers (same weights and masks) to float16 precision; opsets 13 and 17 agree', () => {
    const pairs: [string, string, number][] = [
      ['deeplabv3_mobilenet_v3_large-op17-fp16.onnx', 'deeplabv3_mobilenet_v3_large-op13-dynamic.onnx', 0.02],
      ['fcn_resnet50-op17-fp32.onnx', 'fcn_resnet50-op13-fp32.onnx', 1e-4],
      ['lraspp_mobilenet_v3_large-op17-fp32.onnx', 'lraspp_mobilenet_v3_large-op13-fp32.onnx', 1e-4],
    ];
    for (const [a, b, tolerance] of pairs) {
      const ia = (reports.get(a) as ReportSummary).images;
      const ib = (reports.get(b) as ReportSummary).images;
      ia.forEach((x, k) => {
        assert.ok(Math.abs(x.meanEntropy - ib[k].meanEntropy) <= tolerance * Math.max(1, ib[k].meanEntropy), `${a} vs ${b}: entropy ${x.meanEntropy} vs ${ib[k].meanEntropy}`);
        assert.ok(Math.abs(x.meanVariance - ib[k].meanVariance) <= Math.max(tolerance * 5, 1e-3) * ib[k].meanVariance + 1e-9, `${a} vs ${b}: variance ${x.meanVariance} vs ${ib[k].meanVariance}`);
      });
    }
  });
  s("fcn_resnet50: the MC variance at its Dropout(0.1) matches PyTorch's own 2,000-sample estimate for the same weights and input within 10%", async () => {
    const summary = await runReport({ model: exported.models[4].file, inputs: [path.join(images, 'gray.png')], out: path.join(dir, 'report-fcn-mc'), samples: 2000, seed: 0, images: false });
    const ours = summary.images[0].meanVariance;
    const torch = exported.torchMc.meanOfMeanVariance;
    assert.is(exported.torchMc.rate, 0.1);
    assert.ok(Math.abs(ours - torch) < 0.1 * torch, `segnet-uq ${ours} vs PyTorch ${torch}`);
    // at p = 0.5 (what an unread ratio used to give) the variance would be about 9x: p / (1 - p) against 0.1 / 0.9
    assert.ok(torch > 1e-4, `PyTorch's variance ${torch} is not trivial`);
  });
  s.run();
}
