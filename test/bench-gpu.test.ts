/**
 * bench/gpu: the float16 packing of the carried model (against numpy's float16 cast) and the
 * benchmark's CPU path on a tiny model. The WebGPU path itself only runs on a lent GPU machine.
 */
import { spawnSync } from 'child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { float16ToFloat32, float32ToFloat16 } from '../bench/gpu/fp16';
import { packFp16, unpackFp16 } from '../bench/gpu/gpu-bench';
import { decodeModel, onnx } from '../lib/onnx/model';
import { PYTHON, pythonHas } from './fixtures/python-check';
import { segnetMini, seededRandom } from './fixtures/tiny-models';

const fp16 = suite('float16 conversion and the packed model');

const r = seededRandom(3);
const values = Float32Array.from([0, -0, 1, -2.5, 65504, 70000, 1e-8, 6e-5, 3e-7, -1e-3, 0.1, 1 / 3, Infinity, -Infinity,
  ...Array.from({ length: 2000 }, () => (r() * 2 - 1) * 10 ** Math.floor(r() * 10 - 6))]);

const NUMPY = pythonHas('numpy');
if (!NUMPY) console.log('  SKIPPED bench-gpu numpy check: /usr/bin/python3 has no numpy (.ci/run installs python3-numpy)');
if (NUMPY) fp16('float32ToFloat16 gives numpy astype(float16) bit for bit (round to nearest even, subnormals, overflow)', () => {
  const script = 'import json,sys,numpy as np\na=np.array(json.loads(sys.stdin.read()),dtype=np.float32)\nprint(json.dumps(a.astype(np.float16).view(np.uint16).tolist()))';
  const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(Array.from(values, (v) => (Number.isFinite(v) ? v : v > 0 ? 1e300 : -1e300))), encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const want = JSON.parse(run.stdout) as number[];
  const got = float32ToFloat16(values);
  // JSON has no -0: numpy saw +0 there; -0 must keep its sign bit
  const bad = want.map((w, i) => (w === got[i] || Object.is(values[i], -0) ? -1 : i)).filter((i) => i >= 0);
  assert.is(got[1], 0x8000);
  assert.equal(bad.slice(0, 5).map((i) => [values[i], want[i], got[i]]), []);
});

fp16('float16ToFloat32 inverts it on every half value that is not NaN', () => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i).filter((h) => ((h >>> 10) & 0x1f) !== 0x1f || (h & 0x3ff) === 0);
  assert.equal(Array.from(float32ToFloat16(float16ToFloat32(all))), Array.from(all));
});

fp16('packFp16 / unpackFp16: the same graph, every float weight rounded to float16, the pack about half the size', () => {
  const bytes = segnetMini();
  const packed = packFp16(bytes);
  const back = decodeModel(unpackFp16(packed));
  const orig = decodeModel(bytes);
  assert.is(back.graph?.node?.length, orig.graph?.node?.length);
  const floats = (t: onnx.ITensorProto): Float32Array => new Float32Array(new Uint8Array(t.rawData ?? new Uint8Array()).slice().buffer);
  for (const t of orig.graph?.initializer ?? []) {
    const u = (back.graph?.initializer ?? []).find((x) => x.name === t.name) as onnx.ITensorProto;
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT) continue;
    const want = t.rawData?.length ? floats(t) : Float32Array.from(t.floatData ?? []);
    assert.equal(Array.from(floats(u)), Array.from(float16ToFloat32(float32ToFloat16(want))), t.name ?? '');
  }
});

fp16.run();
