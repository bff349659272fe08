/**
 * .npy files (lib/report/npy.ts, npy-outputs.ts): the header byte for byte, a round trip, and
 * numpy.load on what we write (Debian's python3-numpy, installed by .ci/run; SKIPPED without).
 * End to end: report --save-maps probs on the command fixture lists the files under
 * outputs.npy, at the image's resolution, and they hold the maps the metrics score.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { encodeNpy } from '../lib/report/npy';
import { decodeNpy } from './fixtures/npy';
import { checkSaveMaps } from '../lib/report/npy-outputs';
import { PNG } from 'pngjs';
import { IGNORE, makeCommandProject } from './fixtures/command-project';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { throwsError } from './fixtures/throws';

const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-npy-'));
const project = makeCommandProject({ count: 2, width: 20, height: 14 });
const s = suite('npy');
s.after(() => {
  rmSync(dir, { recursive: true, force: true });
  project.cleanup();
});

s('fixed vector: the header of a 2x3 uint8 array, data on a 64-byte boundary', () => {
  const bytes = encodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }";
  assert.is(bytes.toString('latin1', 0, 6), '\x93NUMPY');
  assert.equal([bytes[6], bytes[7], bytes.readUInt16LE(8)], [1, 0, 118]);
  assert.is(bytes.toString('latin1', 10, 128), header + ' '.repeat(118 - header.length - 1) + '\n');
  assert.equal(Array.from(bytes.subarray(128)), [1, 2, 3, 4, 5, 6]);
  assert.is(encodeNpy(new Float32Array(5), [5]).toString('latin1', 10, 70).includes("'shape': (5,)"), true);
});
s('round trip float32 [C, H, W] and uint8', () => {
  const f = Float32Array.from({ length: 24 }, (_, i) => i / 7 - 1);
  const back = decodeNpy(encodeNpy(f, [2, 3, 4]));
  assert.equal(back.shape, [2, 3, 4]);
  assert.equal(Array.from(back.data), Array.from(f));
});
s('EXPECTED FAILURE: shape not matching the data, other dtypes, bad --save-maps', () => {
  assert.throws(() => encodeNpy(new Uint8Array(5), [2, 3]), (e: unknown) => e instanceof RangeError && /does not hold 5/.test(e.message));
  throwsError(() => encodeNpy(new Float64Array(2) as unknown as Float32Array, [2]), TypeError, /^npy: only Uint8Array and Float32Array are written$/);
  assert.throws(() => checkSaveMaps('logits'), (e: unknown) => e instanceof RangeError && /--save-maps takes nothing or 'probs', got "logits"/.test(e.message));
  assert.is(checkSaveMaps(''), 'maps');
  assert.is(checkSaveMaps('probs'), 'probs');
  assert.is(checkSaveMaps(undefined), undefined);
});

if (!pythonHas('numpy')) {
  console.log('  report-npy numpy.load: SKIPPED (no /usr/bin/python3 with numpy; .ci/run installs python3-numpy)');
} else {
  s('numpy.load reads what we write: dtype, shape, values', () => {
    const f = Float32Array.from({ length: 24 }, (_, i) => Math.fround(i / 7 - 1));
    writeFileSync(path.join(dir, 'f.npy'), encodeNpy(f, [2, 3, 4]));
    writeFileSync(path.join(dir, 'u.npy'), encodeNpy(new Uint8Array([0, 255, 7]), [3]));
    const code = `import numpy as np, json, sys
f = np.load(sys.argv[1] + '/f.npy'); u = np.load(sys.argv[1] + '/u.npy')
print(json.dumps([str(f.dtype), list(f.shape), f.ravel().tolist(), str(u.dtype), list(u.shape), u.tolist()]))`;
    const run = spawnSync(PYTHON, ['-c', code, dir], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout), ['float32', [2, 3, 4], Array.from(f), 'uint8', [3], [0, 255, 7]]);
  });
}

s('report --save-maps probs: outputs.npy lists the maps at image resolution; numpy reads them (when present)', async () => {
  const out = path.join(dir, 'report');
  const summary = await runReport({ model: project.model, card: project.card, inputs: [project.images], labels: project.labels, out, samples: 4, saveMaps: 'probs', images: false });
  assert.is(summary.errors.length, 0);
  for (const image of summary.images) {
    const npy = image.outputs?.npy;
    assert.ok(npy, `${image.file} has outputs.npy`);
    assert.is(image.outputs?.photo, undefined); // --no-images: only the .npy maps
    const load = (rel: string) => decodeNpy(readFileSync(path.join(out, rel)));
    const predicted = load(npy.predicted);
    assert.ok(predicted.data instanceof Uint8Array);
    assert.equal(predicted.shape, [14, 20]);
    for (const key of ['confidence', 'entropy', 'mutualInformation', 'variance'] as const) {
      const m = load(npy[key]);
      assert.ok(m.data instanceof Float32Array, key);
      assert.equal(m.shape, [14, 20], key);
    }
    const probs = load(npy.meanProbs as string);
    assert.equal(probs.shape, [4, 14, 20]);
    // the same maps the metrics score: argmax and max of the mean probabilities, and the summary's mean entropy from the same field at model size
    const conf = load(npy.confidence).data;
    for (let i = 0; i < 14 * 20; i++) {
      let best = 0;
      for (let k = 1; k < 4; k++) if (probs.data[k * 280 + i] > probs.data[best * 280 + i]) best = k;
      assert.is(predicted.data[i], best);
      assert.is(conf[i], probs.data[best * 280 + i]);
    }
    // per-image accuracy from predicted.npy against the label PNG equals the summary's
    const png = PNG.sync.read(readFileSync(path.join(project.labels, path.basename(image.file))));
    let n = 0, hits = 0;
    for (let i = 0; i < 280; i++) {
      const y = png.data[4 * i];
      if (y === IGNORE) continue;
      n++;
      if (predicted.data[i] === y) hits++;
    }
    assert.ok(Math.abs(hits / n - (image.metrics?.globalAccuracy ?? NaN)) < 1e-12, `${hits / n} vs ${image.metrics?.globalAccuracy}`);
  }
  if (pythonHas('numpy')) {
    const rel = summary.images.map((i) => i.outputs?.npy);
    const code = `import numpy as np, json, sys
r = json.loads(sys.argv[2]); out = sys.argv[1]
print(json.dumps([[str(np.load(out + '/' + m[k]).dtype) + str(list(np.load(out + '/' + m[k]).shape)) for k in ('predicted', 'entropy', 'meanProbs')] for m in r]))`;
    const run = spawnSync(PYTHON, ['-c', code, out, JSON.stringify(rel)], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout), rel.map(() => ['uint8[14, 20]', 'float32[14, 20]', 'float32[4, 14, 20]']));
  }
});
s('--resume reuses an image only when its .npy files serve the run', async () => {
  const out = path.join(dir, 'resume');
  const base = { model: project.model, card: project.card, inputs: [project.images], out, samples: 2, images: false } as const;
  await runReport({ ...base });
  const resumed = (events: { type: string; resumed?: boolean }[]) => events.filter((e) => e.type === 'image' && e.resumed).length;
  const run = async (saveMaps?: 'maps' | 'probs') => {
    const events: { type: string; resumed?: boolean }[] = [];
    const summary = await runReport({ ...base, resume: true, saveMaps, onEvent: (e) => events.push(e) });
    return { summary, reused: resumed(events) };
  };
  const first = await run('maps'); // the earlier run wrote no .npy: both images are sampled again
  assert.is(first.reused, 0);
  assert.ok(first.summary.images.every((i) => i.outputs?.npy?.entropy));
  assert.is((await run('maps')).reused, 2);
  const probs = await run('probs'); // mean-probs.npy was not written: sampled again
  assert.is(probs.reused, 0);
  assert.ok(probs.summary.images.every((i) => i.outputs?.npy?.meanProbs));
  assert.is((await run()).reused, 2);
});
s.run();
