/**
 * Soak: `npm run soak` runs `report` in-process over 2,000 generated images with N=4 and checks
 * that memory stays flat (RSS at the end within 20% of RSS after the first 100 images) and that
 * no file descriptor leaks (/proc/self/fd before and after). Prints PASS/FAIL with the numbers;
 * exits 1 on FAIL.
 *
 *   npm run soak -- [--images 2000] [--samples 4] [--size 64x48] [--default-model] [--keep]
 *
 * By default a tiny model (8x8 input, test/fixtures/tiny-models.ts) keeps the run to a minute or
 * two; --default-model uses the shipped Bayesian SegNet (about 100-150 ms per pass on 2 cores).
 */
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runReport } from '../lib/commands/report';
import { encodePng } from '../lib/image';
import { identityDropout, seededRandom } from '../test/fixtures/tiny-models';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}
const has = (name: string): boolean => process.argv.includes(`--${name}`);

const IMAGES = Number(flag('images', '2000'));
const SAMPLES = Number(flag('samples', '4'));
const [W, H] = flag('size', '64x48').split('x').map(Number);
const WARMUP = 100;
const MiB = 2 ** 20;

const openFds = (): Map<string, string> => new Map(readdirSync('/proc/self/fd').map((fd) => {
  try {
    return [fd, readlinkSync(`/proc/self/fd/${fd}`)];
  } catch {
    return [fd, '(closed while listing)'];
  }
}));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const rss = (): number => { gc(); return process.memoryUsage().rss; };

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-soak-'));
  const inputs = path.join(root, 'images');
  const out = path.join(root, 'out');
  const r = seededRandom(1);
  mkdirSync(inputs);
  for (let k = 0; k < IMAGES; k++) {
    const data = new Uint8Array(W * H * 3);
    const base = Math.floor(r() * 200);
    for (let i = 0; i < data.length; i++) data[i] = base + Math.floor(r() * 56);
    writeFileSync(path.join(inputs, `img-${String(k).padStart(5, '0')}.png`), encodePng({ width: W, height: H, data }));
  }
  let model: string | undefined;
  if (!has('default-model')) {
    model = path.join(root, 'tiny.onnx');
    writeFileSync(model, identityDropout({ classes: 3, height: 8, width: 8 }));
    writeFileSync(path.join(root, 'tiny.json'), JSON.stringify({
      name: 'soak-tiny', classes: [{ name: 'a', color: [200, 0, 0] }, { name: 'b', color: [0, 200, 0] }, { name: 'c', color: [0, 0, 200] }],
      input: { width: 8, height: 8, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, output: { kind: 'logits' },
    }));
  }
  // ONNX Runtime opens a few files once per process (its cache database, a log): a short warm-up
  // run first, so that the fd count before the soak already holds them.
  await runReport({ inputs: [path.join(inputs, 'img-00000.png')], out: path.join(root, 'warmup'), model, samples: SAMPLES });
  const fdsBefore = openFds();
  const rssStart = rss();
  let finished = 0, rssAfterWarmup = 0, rssPeak = 0;
  const trace: string[] = [];
  const t0 = performance.now();
  const summary = await runReport({
    inputs: [inputs], out, model, samples: SAMPLES, seed: 0,
    onEvent: (e) => {
      if (e.type !== 'image') return;
      finished++;
      if (finished === WARMUP) rssAfterWarmup = rss();
      if (finished % 250 === 0) {
        const now = process.memoryUsage().rss;
        rssPeak = Math.max(rssPeak, now);
        trace.push(`${finished}:${(now / MiB).toFixed(0)}`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const rssEnd = rss();
  const fdsAfter = openFds();
  const ratio = rssEnd / rssAfterWarmup;
  const memoryOk = rssAfterWarmup > 0 && ratio <= 1.2;
  const fdsOk = fdsAfter.size <= fdsBefore.size;
  const newFds = [...fdsAfter].filter(([fd, target]) => fdsBefore.get(fd) !== target).map(([fd, target]) => `${fd} -> ${target}`);
  const imagesOk = summary.images.length === IMAGES && summary.errors.length === 0 && summary.complete;
  const line = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  console.log(`soak: ${IMAGES} images ${W}x${H}, N=${SAMPLES}, model ${model ? 'tiny 8x8' : 'default'}: ${seconds.toFixed(1)} s (${(seconds * 1000 / IMAGES).toFixed(1)} ms/image)`);
  console.log(`  images   ${line(imagesOk)}  ${summary.images.length} finished, ${summary.errors.length} errors, complete ${summary.complete}`);
  console.log(`  memory   ${line(memoryOk)}  RSS start ${(rssStart / MiB).toFixed(1)} MiB, after ${WARMUP} images ${(rssAfterWarmup / MiB).toFixed(1)} MiB, `
    + `end ${(rssEnd / MiB).toFixed(1)} MiB (x${ratio.toFixed(3)}, limit x1.20), peak sampled ${(rssPeak / MiB).toFixed(1)} MiB`);
  console.log(`           RSS by images finished (MiB): ${trace.join(' ')}`);
  console.log(`  fds      ${line(fdsOk)}  open before ${fdsBefore.size}, after ${fdsAfter.size}${newFds.length ? `; new: ${newFds.join(', ')}` : ''}`);
  const pass = memoryOk && fdsOk && imagesOk;
  console.log(pass ? 'PASS' : 'FAIL');
  if (!has('keep')) rmSync(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
  process.exitCode = pass ? 0 : 1;
}

main().catch((err: Error) => {
  console.error(`soak: ${err.stack ?? err.message}`);
  process.exitCode = 2;
});
