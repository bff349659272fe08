/**
 * What the benchmark runs on: the model (the default, or the larger SegNet-shaped one exported
 * into bench/.cache/), its card, and a few images (CamVid val when present, else generated).
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { DEFAULT_MODEL, cardPathFor, loadCard } from '../lib/model/card';
import { encodePng } from '../lib/image/encode';
import { PYTHON } from './torch-client';

export const CACHE = path.join(__dirname, '.cache');
const REPO = path.join(__dirname, '..');
export const CAMVID_VAL = path.join(REPO, '..', 'shared', 'datasets', 'camvid', 'val');

/** The larger model: SegNet-shaped, compact widths, 352x480 (360 is not divisible by 2^5, which index unpooling needs). */
export const LARGE = { height: 352, width: 480, widths: [32, 64, 128, 256, 256] as const };

export interface BenchModel {
  readonly path: string;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  /** SegNet widths for torch, or null when the model is not models/training/segnet.py's */
  readonly widths: readonly number[] | null;
}

/** Exports the larger model with random weights (timing only) and writes its card. */
export function largeModel(widths: readonly number[] = LARGE.widths): BenchModel {
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `segnet-${widths.join('-')}-${LARGE.height}x${LARGE.width}.onnx`);
  if (!existsSync(file)) {
    const r = spawnSync(PYTHON, [path.join(REPO, 'models', 'training', 'export.py'), '--random-init', '0', '--widths', ...widths.map(String),
      '--height', String(LARGE.height), '--width', String(LARGE.width), '--no-card', '--out', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`export.py failed for ${file}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}`);
  }
  const card = { ...loadCard(cardPathFor(DEFAULT_MODEL)) } as Record<string, unknown>;
  card.name = path.basename(file, '.onnx');
  card.description = 'random weights, for timing only (bench/bench.ts --large)';
  card.input = { ...(card.input as object), height: LARGE.height, width: LARGE.width };
  writeFileSync(cardPathFor(file), JSON.stringify(card, null, 2) + '\n');
  return { path: file, height: LARGE.height, width: LARGE.width, classes: 11, widths };
}

export function namedModel(file: string | undefined): BenchModel {
  const p = path.resolve(file ?? DEFAULT_MODEL);
  const card = loadCard(cardPathFor(p));
  const isDefault = p === path.resolve(DEFAULT_MODEL);
  return { path: p, height: card.input.height, width: card.input.width, classes: card.classes.length,
    widths: isDefault ? [32, 64, 128, 256, 256] : null };
}

/** `count` image files: from `dir` (default CamVid val) if it exists, else generated PNGs. */
export function benchImages(dir: string | undefined, count: number): { files: string[]; source: string } {
  const from = dir ?? CAMVID_VAL;
  if (existsSync(from)) {
    const files = readdirSync(from).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().slice(0, count).map((f) => path.join(from, f));
    if (files.length > 0) return { files, source: from };
  }
  if (dir) throw new RangeError(`--images ${dir}: no PNG or JPEG images there`);
  const out = path.join(CACHE, 'generated');
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (let k = 0; k < count; k++) {
    const width = 480, height = 360;
    const data = new Uint8Array(width * height * 3);
    let s = 12345 + k;
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      data[i] = ((i / 3) % width) / 2 + (s >>> 25);
    }
    const file = path.join(out, `generated-${k}.png`);
    writeFileSync(file, encodePng({ width, height, data }));
    files.push(file);
  }
  return { files, source: 'generated (no CamVid val folder)' };
}
