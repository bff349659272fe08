/**
 * The GPU check of issue 18, bundled into one file (bench/gpu/pack.sh) for a machine with no
 * Node packages: N=50 MC dropout per image on `--device webgpu` (or cuda), the chunk size swept,
 * ms per image, and the max |difference| of the maps against the CPU on the same masks (same
 * seed and image key, so sample s has the same mask on both).
 *
 *   node gpu-bench.js pack-fp16 MODEL.onnx OUT.bin      weights as float16 (halves the transfer)
 *   node gpu-bench.js unpack-fp16 IN.bin MODEL.onnx     back to a float32 ONNX (the fp16-rounded weights)
 *   node gpu-bench.js bench --model M.onnx --card C.json [--devices cpu,webgpu] [--chunks 1,2,4,8,16]
 *                     [--samples 50] [--reps 3] [--out DIR]
 * Only the engine (compile + sampler) is bundled: no image decoding, the input is a fixed
 * pseudo-random tensor of the card's size.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { compileModel } from '../../lib/engine/compile';
import { McSampler } from '../../lib/engine/sampler';
import type { UncertaintyMaps } from '../../lib/engine/types';
import { decodeModel, encodeModel, onnx } from '../../lib/onnx/model';
import type { Device } from '../../lib/engine/types';
import { float16ToFloat32, float32ToFloat16 } from './fp16';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** Float32 initializers become float16 bytes in a side buffer; the graph keeps a float32 placeholder. */
export function packFp16(model: Uint8Array): Uint8Array {
  const m = decodeModel(model);
  const chunks: Uint8Array[] = [];
  const index: { name: string; dims: number[]; count: number }[] = [];
  for (const t of m.graph?.initializer ?? []) {
    if (t.dataType !== FLOAT) continue;
    const raw = t.rawData && t.rawData.length ? new Float32Array(new Uint8Array(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
    chunks.push(new Uint8Array(float32ToFloat16(raw).buffer));
    index.push({ name: t.name ?? '', dims: (t.dims ?? []).map(Number), count: raw.length });
    t.rawData = new Uint8Array(0);
    t.floatData = [];
  }
  const graph = encodeModel(m);
  const header = new TextEncoder().encode(JSON.stringify({ index, graphBytes: graph.length }));
  const size = 4 + header.length + graph.length + chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, header.length, true);
  let at = 4;
  for (const part of [header, graph, ...chunks]) { out.set(part, at); at += part.length; }
  return out;
}

export function unpackFp16(file: Uint8Array): Uint8Array {
  const packed = new Uint8Array(file); // a plain copy: a Buffer's slice() is a view of a shared pool
  const headerLength = new DataView(packed.buffer, packed.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(packed.subarray(4, 4 + headerLength))) as { index: { name: string; count: number }[]; graphBytes: number };
  let at = 4 + headerLength;
  const m = decodeModel(packed.slice(at, at + header.graphBytes));
  at += header.graphBytes;
  const byName = new Map((m.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const e of header.index) {
    const half = new Uint16Array(packed.slice(at, at + 2 * e.count).buffer);
    at += 2 * e.count;
    const t = byName.get(e.name);
    if (!t) throw new Error(`packed weights name '${e.name}', the graph has no such initializer`);
    t.rawData = new Uint8Array(float16ToFloat32(half).buffer);
  }
  return encodeModel(m);
}

interface Card { input: { name?: string; width: number; height: number }; output: { name?: string; kind: 'logits' | 'probabilities' }; temperature?: number }

function input(card: Card): Float32Array {
  let s = 12345;
  return Float32Array.from({ length: 3 * card.input.width * card.input.height }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 4294967296) * 4 - 2;
  });
}

function maxDiff(a: UncertaintyMaps, b: UncertaintyMaps): number {
  let d = 0;
  for (const k of ['meanProbs', 'predictiveEntropy', 'mutualInformation', 'meanVariance'] as const) {
    const x = a[k], y = b[k];
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  }
  return d;
}

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

async function bench(args: Map<string, string>): Promise<void> {
  const modelPath = args.get('model') as string;
  const card = JSON.parse(readFileSync(args.get('card') as string, 'utf8')) as Card;
  if (args.has('height')) card.input.height = Number(args.get('height'));
  if (args.has('width')) card.input.width = Number(args.get('width'));
  const devices = (args.get('devices') ?? 'cpu,webgpu').split(',') as Device[];
  const chunks = (args.get('chunks') ?? '1,2,4,8,16').split(',').map(Number);
  const samples = Number(args.get('samples') ?? 50), reps = Number(args.get('reps') ?? 3);
  const bytes = readFileSync(modelPath);
  const x = input(card);
  const rows: { device: string; chunk: number; ms: number | null; maxDiff: number | null; error?: string }[] = [];
  let reference: UncertaintyMaps | null = null;
  for (const device of ['cpu' as Device, ...devices.filter((d) => d !== 'cpu')]) {
    for (const chunk of device === 'cpu' && !devices.includes('cpu') ? [8] : chunks) {
      try {
        const compiled = await compileModel(decodeModel(bytes, modelPath), {
          inputName: card.input.name, outputName: card.output.name, inputDims: [1, 3, card.input.height, card.input.width],
          outputKind: card.output.kind, temperature: card.temperature ?? 1, device, batching: chunk > 1,
        });
        const sampler = await McSampler.create(compiled, { device, batch: chunk });
        const run = (): Promise<UncertaintyMaps> => sampler.sample(x, { samples, seed: 0, imageKey: 1 });
        const maps = await run(); // warm-up (first runs compile kernels)
        const times: number[] = [];
        for (let r = 0; r < reps; r++) { const t0 = performance.now(); await run(); times.push(performance.now() - t0); }
        await sampler.release();
        reference ??= maps;
        rows.push({ device, chunk, ms: median(times), maxDiff: maxDiff(maps, reference) });
      } catch (err) {
        rows.push({ device, chunk, ms: null, maxDiff: null, error: (err as Error).message.split('\n')[0] });
      }
      const r = rows[rows.length - 1];
      console.log(`${path.basename(modelPath)} ${card.input.height}x${card.input.width} ${r.device} K=${r.chunk}: ${r.ms === null ? `failed: ${r.error}` : `${r.ms.toFixed(1)} ms/image, max |diff| vs cpu ${r.maxDiff?.toExponential(2)}`}`);
    }
  }
  const table = [`N=${samples}, ${path.basename(modelPath)} at ${card.input.height}x${card.input.width}, median of ${reps} after a warm-up`, '',
    '| device | K | ms/image | max abs diff vs cpu (same masks) |', '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.device} | ${r.chunk} | ${r.ms === null ? `failed: ${r.error}` : r.ms.toFixed(1)} | ${r.maxDiff === null ? '-' : r.maxDiff.toExponential(2)} |`)].join('\n');
  console.log(`\n${table}`);
  const out = args.get('out');
  if (out) {
    const name = `${path.basename(modelPath, '.onnx')}-${card.input.height}x${card.input.width}`;
    writeFileSync(path.join(out, `${name}.md`), table + '\n');
    writeFileSync(path.join(out, `${name}.json`), JSON.stringify(rows, null, 2) + '\n');
  }
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === 'pack-fp16') return writeFileSync(rest[1], packFp16(readFileSync(rest[0])));
  if (cmd === 'unpack-fp16') return writeFileSync(rest[1], unpackFp16(readFileSync(rest[0])));
  if (cmd !== 'bench') throw new Error('usage: gpu-bench.js pack-fp16 IN OUT | unpack-fp16 IN OUT | bench --model M --card C [...]');
  const args = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) args.set(rest[i].replace(/^--/, ''), rest[i + 1]);
  await bench(args);
}

if (require.main === module) {
  main().catch((err: Error) => { console.error(err.stack ?? err.message); process.exit(1); });
}
