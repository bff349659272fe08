/**
 * Method (d): drives bench/torch_mc.py as a child process, so that its requests interleave with
 * the other methods' repetitions. The weights go over as a float32 blob named by torch
 * parameter names (ONNX initializers, with the exporter's Identity aliases resolved).
 */
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'child_process';
import { existsSync, writeFileSync } from 'fs';
import * as path from 'path';
import { createInterface, Interface } from 'readline';
import { decodeModel, Graph, onnx, toNumber } from '../lib/onnx/model';

export const PYTHON = '/usr/bin/python3';

/** Why (d) cannot run here, or null when python3 with torch is present. */
export function torchMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PYTHON} cannot import torch (${(r.stderr || '').trim().split('\n').pop()})`;
}

/** Writes the float initializers (and their Identity aliases) as W.f32 + W.json. */
export function writeWeights(modelBytes: Uint8Array, base: string): { weights: string; index: string } {
  const graph = decodeModel(modelBytes).graph as Graph;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const node of graph.node ?? []) {
    const src = inits.get(node.input?.[0] ?? '');
    if (node.opType === 'Identity' && src) inits.set(node.output?.[0] ?? '', src);
  }
  const index: Record<string, { offset: number; size: number; dims: number[] }> = {};
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const [name, t] of inits) {
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT) continue;
    const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
    const data = raw ? new Float32Array(new Uint8Array(raw).buffer) : Float32Array.from(t.floatData ?? []);
    index[name] = { offset, size: data.length, dims: (t.dims ?? []).map(toNumber) };
    parts.push(data);
    offset += data.length;
  }
  const blob = new Float32Array(offset);
  let at = 0;
  for (const p of parts) { blob.set(p, at); at += p.length; }
  const files = { weights: `${base}.f32`, index: `${base}.json` };
  writeFileSync(files.weights, new Uint8Array(blob.buffer));
  writeFileSync(files.index, JSON.stringify(index));
  return files;
}

export interface TorchReply { readonly ms: number; readonly maxRssMb: number }

export class TorchMc {
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly lines: Interface;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
    child.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
  }

  static async start(args: { weights: string; index: string; height: number; width: number; widths: readonly number[]; classes: number })
    : Promise<TorchMc> {
    const child = spawn(PYTHON, [path.join(__dirname, 'torch_mc.py'), '--weights', args.weights, '--index', args.index,
      '--height', String(args.height), '--width', String(args.width), '--widths', ...args.widths.map(String),
      '--classes', String(args.classes), '--serve']);
    const t = new TorchMc(child);
    const ready = JSON.parse(await t.next()) as { ready: boolean };
    if (!ready.ready) throw new Error(`torch_mc.py did not start: ${t.stderr}`);
    return t;
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`torch_mc.py exited (${code}): ${this.stderr.trim()}`));
      this.child.once('exit', onExit);
      this.waiting.push((line) => { this.child.off('exit', onExit); resolve(line); });
    });
  }

  async run(n: number, inputFile: string): Promise<TorchReply> {
    const reply = this.next();
    this.child.stdin.write(JSON.stringify({ n, input: inputFile }) + '\n');
    return JSON.parse(await reply) as TorchReply;
  }

  close(): void {
    this.child.stdin.end();
    this.lines.close();
  }
}
