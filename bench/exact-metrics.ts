/**
 * The streamed uncertainty metrics of `calibrate` against an exact computation that sorts every
 * labelled pixel (test/fixtures/exact-uncertainty.ts), on the shipped model over the first K
 * CamVid val images:
 *
 *     nice -n 10 npx tsx bench/exact-metrics.ts [K=20] [N=10]
 *
 * Prints one line per kind and metric: exact, streamed, difference. The maps are the ones
 * calibrate scores (its CalibrationSink over runReportImages, the step's maps at label resolution).
 */
import { readdirSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runReportImages } from '../lib/commands/report';
import { summarizeMetrics } from '../lib/metrics/summary';
import type { UncertaintyKind } from '../lib/metrics/types';
import { CalibrationSink } from '../lib/run/calibration-sink';
import { addPixels, createPool, exactAUPR, exactAUROC, exactAUSE, type PixelPool } from '../test/fixtures/exact-uncertainty';
import { CAMVID_VAL } from './setup';

const KINDS: readonly UncertaintyKind[] = ['entropy', 'mutualInformation', 'variance'];

async function main(): Promise<void> {
  const k = Number(process.argv[2] ?? 20);
  const n = Number(process.argv[3] ?? 10);
  const files = readdirSync(CAMVID_VAL).filter((f) => f.endsWith('.png')).sort().slice(0, k).map((f) => path.join(CAMVID_VAL, f));
  const pools: Record<string, PixelPool> = { entropy: createPool(), mutualInformation: createPool(), variance: createPool() };
  const run = await runReportImages({ inputs: files, labels: path.join(CAMVID_VAL, '..', 'valannot'), samples: n, seed: 0, images: false,
    out: path.join(os.tmpdir(), `exact-metrics-${process.pid}`) }, (card) => new CalibrationSink(card, { ignoreIndex: card.ignoreIndex ?? null, bins: 15 }, {
    labelled: ({ input, ignoreIndex }) => {
      for (const kind of KINDS) addPixels(pools[kind], input.labels, input.predicted, input.uncertainties[kind], ignoreIndex);
    },
  }));
  const m = summarizeMetrics(run.sink.stats);
  console.log(`${m.images} images, N=${n}, ${pools.entropy.values.length} labelled pixels`);
  let worst = 0;
  for (const kind of KINDS) {
    const u = m.uncertainty[kind];
    const exact = { auroc: exactAUROC(pools[kind]), aupr: exactAUPR(pools[kind]), ause: exactAUSE(pools[kind]) };
    for (const metric of ['auroc', 'aupr', 'ause'] as const) {
      const streamed = u[metric] as number;
      worst = Math.max(worst, Math.abs(streamed - exact[metric]));
      console.log(`${kind.padEnd(18)} ${metric.padEnd(6)} exact ${exact[metric].toFixed(5)}  streamed ${streamed.toFixed(5)}  diff ${(streamed - exact[metric]).toExponential(2)}`);
    }
    const p = u.pavpu;
    console.log(`${kind.padEnd(18)} PAvPU  ${JSON.stringify(p)}`);
  }
  console.log(`largest |streamed - exact| = ${worst.toExponential(2)}`);
}

main().catch((err: Error) => {
  console.error(err.stack);
  process.exit(1);
});
