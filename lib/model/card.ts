/** Model cards: the JSON beside each .onnx that says how to feed the model and read its output. */
import { existsSync } from 'fs';
import * as path from 'path';
import type { ModelCard, ResolvedModel } from './types';
import { PACKAGE_ROOT } from '../package-root';
import { writeFileAtomic } from '../atomic';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';
import { checkInteger, checkNumber, isIntegerIn, isNumberIn } from '../validate';

/** models/ of this package: the default model ships there. */
export const MODELS_DIR = path.join(PACKAGE_ROOT, 'models');
export const DEFAULT_MODEL = path.join(MODELS_DIR, 'bayesian-segnet-camvid.onnx');

/** A model card that could not be used: a FileError (`file`, `reason`) of its own name. */
export class CardError extends FileError {
  override name = 'CardError';
}

/** NAME.onnx -> NAME.json */
export function cardPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

function isRgb(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => isNumberIn(x));
}

/** Checks a parsed card and returns it typed; every problem names the field. */
export function validateCard(raw: unknown, file: string): ModelCard {
  const fail = (reason: string): never => { throw new CardError(file, reason); };
  // a field check of lib/validate.ts, its message the reason
  const field = (check: () => unknown): void => {
    try {
      check();
    } catch (err) {
      fail((err as Error).message);
    }
  };
  if (typeof raw !== 'object' || raw === null) fail('model card must be a JSON object');
  const c = raw as Record<string, unknown>;
  if (typeof c.name !== 'string') fail('"name" must be a string');
  if (!Array.isArray(c.classes) || c.classes.length < 2 || c.classes.length > 256) fail('"classes" must list 2 to 256 classes');
  (c.classes as unknown[]).forEach((k, i) => {
    const kk = k as Record<string, unknown>;
    if (typeof kk?.name !== 'string') fail(`classes[${i}].name must be a string`);
    if (!isRgb(kk.color) || (kk.color as number[]).some((v) => !isIntegerIn(v, 0, 255))) {
      fail(`classes[${i}].color must be [r, g, b] of integers in 0..255, got ${JSON.stringify(kk.color)}`);
    }
  });
  // two classes of one colour: an RGB label could not say which is meant (every label would fail)
  const colourOf = new Map<string, number>();
  (c.classes as { color: number[] }[]).forEach((k, i) => {
    const key = k.color.join(',');
    const first = colourOf.get(key);
    if (first !== undefined) fail(`classes[${i}].color ${JSON.stringify(k.color)} is also the colour of classes[${first}]: class colours must differ`);
    colourOf.set(key, i);
  });
  const input = c.input as Record<string, unknown> | undefined;
  if (!input || typeof input !== 'object') fail('"input" is missing');
  const inp = input as Record<string, unknown>;
  for (const key of ['width', 'height']) field(() => checkInteger(`input.${key}`, inp[key], 1, 16384));
  if ((inp.layout ?? 'NCHW') !== 'NCHW') fail(`input.layout must be "NCHW", got ${JSON.stringify(inp.layout)}`);
  if (!isRgb(inp.mean)) fail('input.mean must be 3 numbers');
  if (!isRgb(inp.std) || (inp.std as number[]).some((s) => s <= 0)) fail('input.std must be 3 positive numbers');
  const output = (c.output ?? { kind: 'logits' }) as Record<string, unknown>;
  if (output.kind !== 'logits' && output.kind !== 'probabilities') fail(`output.kind must be "logits" or "probabilities", got ${JSON.stringify(output.kind)}`);
  if (c.ignoreIndex !== undefined) field(() => checkInteger('ignoreIndex', c.ignoreIndex, 0, 255));
  if (c.ignoreColor !== undefined && c.ignoreColor !== null) {
    if (!isRgb(c.ignoreColor) || (c.ignoreColor as number[]).some((v) => !isIntegerIn(v, 0, 255))) {
      fail(`ignoreColor must be [r, g, b] of integers in 0..255 or null, got ${JSON.stringify(c.ignoreColor)}`);
    }
    if (c.ignoreIndex === undefined) fail('ignoreColor needs ignoreIndex: the label value its pixels stand for');
    const clash = (c.classes as { color: number[] }[]).findIndex((k) => k.color.every((v, i) => v === (c.ignoreColor as number[])[i]));
    if (clash >= 0 && clash !== c.ignoreIndex) fail(`ignoreColor ${JSON.stringify(c.ignoreColor)} is also the colour of classes[${clash}]`);
  }
  if (c.temperature !== undefined) field(() => checkNumber('temperature', c.temperature, { above: 0 }));
  return { ...(c as object), input: { layout: 'NCHW', ...inp }, output } as unknown as ModelCard;
}

/** What decodeLabel needs of a card to map RGB labels: the class colours and the ignore colour. */
export function labelColors(card: ModelCard): { palette: [number, number, number][]; ignore?: { color: [number, number, number]; index: number } } {
  const palette = card.classes.map((k) => [...k.color] as [number, number, number]);
  const color = card.ignoreColor;
  return color && card.ignoreIndex !== undefined ? { palette, ignore: { color: [...color] as [number, number, number], index: card.ignoreIndex } } : { palette };
}

export function loadCard(cardPath: string): ModelCard {
  let raw: unknown;
  try {
    raw = readJsonFile(cardPath, { limit: 'card' });
  } catch (err) {
    const reason = err instanceof FileError ? err.reason : String(err);
    throw new CardError(cardPath, /^not JSON/.test(reason) ? `model card is ${reason.replace(/^not JSON/, 'not valid JSON')}` : `cannot read the model card (${reason})`, { cause: err });
  }
  return validateCard(raw, cardPath);
}

/** Resolves the model file and its card: explicit paths, else the shipped default. */
export function resolveModel(modelPath?: string, cardPath?: string): ResolvedModel {
  const onnxPath = path.resolve(modelPath ?? DEFAULT_MODEL);
  if (!existsSync(onnxPath)) {
    throw new CardError(onnxPath, modelPath ? 'model file not found' : 'the default model is missing from models/ (reinstall the package)');
  }
  const cp = path.resolve(cardPath ?? cardPathFor(onnxPath));
  if (!existsSync(cp)) throw new CardError(cp, `no model card beside ${path.basename(onnxPath)}: draft one with \`segnet-uq card ${path.basename(onnxPath)}\` (fields: models/README.md, "Model cards") or pass --card`);
  return { modelPath: onnxPath, cardPath: cp, card: loadCard(cp) };
}

/** Writes `temperature` into the card JSON (atomically), keeping every other field as it is. */
export function saveTemperature(cardPath: string, temperature: number): void {
  checkNumber('temperature', temperature, { above: 0 });
  let raw: unknown;
  try {
    raw = readJsonFile(cardPath, { limit: 'card' });
  } catch (err) {
    throw new CardError(cardPath, `cannot read the model card to save the temperature (${err instanceof FileError ? err.reason : String(err)})`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CardError(cardPath, 'model card must be a JSON object');
  writeFileAtomic(cardPath, JSON.stringify({ ...(raw as Record<string, unknown>), temperature }, null, 2) + '\n');
}
