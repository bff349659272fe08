/**
 * The streamed uncertainty and calibration metrics on a real case: the shipped model on two
 * CamVid val images (N=4), maps dumped with --save-maps. Against an exact per-pixel sort
 * (test/fixtures/exact-uncertainty.ts) and, where Debian's python3-sklearn is present (.ci/run
 * installs it), against scikit-learn's roc_auc_score / average_precision_score and a numpy ECE.
 * Without the CamVid folder (../shared/datasets/camvid) or sklearn it says SKIPPED.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCalibrate, type CalibrateResult } from '../lib/commands/calibrate';
import { decodeLabel } from '../lib/image';
import { loadCard, DEFAULT_MODEL, cardPathFor } from '../lib/model/card';
import type { UncertaintyKind } from '../lib/metrics/types';
import { decodeNpy } from './fixtures/npy';
import { addPixels, createPool, exactAUPR, exactAUROC, exactAUSE, type PixelPool } from './fixtures/exact-uncertainty';
import { PYTHON, pythonHas } from './fixtures/python-check';

const CAMVID = path.join(__dirname, '..', '..', 'shared', 'datasets', 'camvid');
const KINDS: readonly UncertaintyKind[] = ['entropy', 'mutualInformation', 'variance'];

if (!existsSync(path.join(CAMVID, 'val'))) {
  console.log(`  metrics-real-model: SKIPPED (no CamVid val at ${CAMVID})`);
} else {
  const out = mkdtempSync(path.join(tmpdir(), 'segnet-uq-real-'));
  const files = readdirSync(path.join(CAMVID, 'val')).filter((f) => f.endsWith('.png')).sort().slice(0, 2).map((f) => path.join(CAMVID, 'val', f));
  const labels = path.join(CAMVID, 'valannot');
  const card = loadCard(cardPathFor(DEFAULT_MODEL));
  const ignore = card.ignoreIndex ?? null;
  let result: CalibrateResult;
  const s = suite('metrics on the shipped model');
  s.before(async () => {
    result = await runCalibrate({ inputs: files, labels, out, samples: 4, seed: 0, images: false, saveMaps: 'maps' });
  });
  s.after(() => rmSync(out, { recursive: true, force: true }));

  s('AUROC, AUPR and AUSE of each kind within 1e-3 of an exact sort of every pixel (measured ~1e-4)', () => {
    const pools: Record<string, PixelPool> = { entropy: createPool(), mutualInformation: createPool(), variance: createPool() };
    for (const image of result.summary.images) {
      const npy = image.outputs?.npy;
      assert.ok(npy, image.file);
      const label = decodeLabel(readFileSync(path.join(labels, path.basename(image.file))), { file: image.file, palette: card.classes.map((c) => c.color) });
      const predicted = decodeNpy(readFileSync(path.join(out, npy.predicted))).data as Uint8Array;
      for (const kind of KINDS) addPixels(pools[kind], label.data, predicted, decodeNpy(readFileSync(path.join(out, npy[kind]))).data as Float32Array, ignore);
    }
    assert.is(pools.entropy.values.length, result.calibration.metrics.pixels);
    for (const kind of KINDS) {
      const u = result.calibration.metrics.uncertainty[kind];
      const exact = { auroc: exactAUROC(pools[kind]), aupr: exactAUPR(pools[kind]), ause: exactAUSE(pools[kind]) };
      for (const m of ['auroc', 'aupr', 'ause'] as const) {
        assert.ok(Math.abs((u[m] as number) - exact[m]) < 1e-3, `${kind} ${m}: streamed ${u[m]}, exact ${exact[m]}`);
      }
      assert.ok(Math.abs((u.auroc as number) - exact.auroc) <= (u.aurocBinBound as number) + 1e-12, `${kind} AUROC outside its bound`);
      assert.ok(exact.auroc > 0.8, `${kind} ranks errors: ${exact.auroc}`);
    }
  });

  if (!pythonHas('sklearn', 'numpy', 'PIL')) {
    console.log('  metrics-real-model vs scikit-learn: SKIPPED (no /usr/bin/python3 with sklearn, numpy and PIL; .ci/run installs python3-sklearn)');
  } else {
    s('AUROC and AUPR within 1e-3 of scikit-learn, ECE within 1e-5 of a numpy ECE, on the same dumped maps', () => {
      const run = spawnSync(PYTHON, [path.join(__dirname, 'fixtures', 'sklearn_check.py'), out, labels, String(ignore ?? -1)], { encoding: 'utf8' });
      assert.is(run.status, 0, run.stderr.slice(-1500));
      const ref = JSON.parse(run.stdout.trim().split('\n').pop() as string) as Record<string, { auroc: number; aupr: number }> & { pixels: number; ece: number };
      const m = result.calibration.metrics;
      assert.is(ref.pixels, m.pixels);
      assert.ok(Math.abs((m.calibration.ece as number) - ref.ece) < 1e-5, `ECE ${m.calibration.ece} vs numpy ${ref.ece}`);
      for (const kind of KINDS) {
        assert.ok(Math.abs((m.uncertainty[kind].auroc as number) - ref[kind].auroc) < 1e-3, `${kind} AUROC ${m.uncertainty[kind].auroc} vs sklearn ${ref[kind].auroc}`);
        assert.ok(Math.abs((m.uncertainty[kind].aupr as number) - ref[kind].aupr) < 1e-3, `${kind} AUPR ${m.uncertainty[kind].aupr} vs sklearn ${ref[kind].aupr}`);
      }
    });
  }
  s.run();
}
