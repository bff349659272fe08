/**
 * `segnet-uq card MODEL.onnx`: a model card drafted from the graph, enough to run with --card.
 * What the graph says is filled in (input name and size, output name, kind and class count,
 * dropout points and rates); what it cannot say (class names and colours, the training
 * normalisation, a size for dynamic dimensions) gets a placeholder and a note. models/README.md
 * describes every field.
 */
import * as path from 'path';
import { DRAFT_DEFAULTS } from '../defaults';
import { probeTensors } from '../engine/compile';
import { findDropoutNodes } from '../graph/dropout-rewrite';
import { placeholderColors } from '../image/colormap';
import { declaredShape, ModelError, producerOf, readModel, type Graph } from '../onnx/model';
import { validateCard } from '../model/card';
import type { ModelCard } from '../model/types';

/** ImageNet's normalisation: what torchvision and most pretrained backbones expect */
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

export interface CardDraft {
  readonly card: ModelCard;
  /** what to check or fill in by hand, one line each */
  readonly notes: readonly string[];
}

export interface DraftOptions {
  /** input size for dynamic dimensions [DRAFT_DEFAULTS, lib/defaults.ts] */
  readonly width?: number;
  readonly height?: number;
}

const dimText = (dims: readonly (number | string)[]): string => `[${dims.join(', ')}]`;

export async function draftCard(modelPath: string, options: DraftOptions = {}): Promise<CardDraft> {
  const { model } = readModel(modelPath);
  const graph = model.graph as Graph;
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((i) => !inits.has(i.name ?? ''));
  const notes: string[] = [];
  if (inputs.length !== 1) {
    throw new ModelError(modelPath, `the card drafter handles one image input; the graph has ${inputs.length} (${inputs.map((i) => i.name).join(', ')})`);
  }
  const input = inputs[0];
  const inputName = input.name ?? '';
  const dims = declaredShape(input).dims;
  if (dims.length !== 4) throw new ModelError(modelPath, `input '${inputName}' has shape ${dimText(dims)}; an image input is [N, 3, H, W]`);
  if (dims[1] !== 3) {
    const nhwc = dims[3] === 3 ? ' (it looks NHWC: only NCHW inputs are supported; export with the channels second)' : '';
    throw new ModelError(modelPath, `input '${inputName}' has shape ${dimText(dims)}: expected 3 channels in dimension 1${nhwc}`);
  }
  const dynamic = (['batch', 'channels', 'height', 'width'] as const).filter((_, i) => typeof dims[i] !== 'number');
  const size = (i: 2 | 3, key: 'height' | 'width'): number => {
    if (typeof dims[i] === 'number' && (dims[i] as number) > 0) return dims[i] as number;
    return options[key] ?? DRAFT_DEFAULTS[key];
  };
  const height = size(2, 'height');
  const width = size(3, 'width');
  if (dynamic.includes('height') || dynamic.includes('width')) {
    notes.push(`input '${inputName}' ${dimText(dims)} has a dynamic ${dynamic.filter((d) => d === 'height' || d === 'width').join(' and ')}: `
      + `input.height x input.width set to ${height}x${width}; set them to the size the model was trained at (--height/--width)`);
  }
  if (typeof dims[0] === 'number' && dims[0] !== 1) notes.push(`input batch dimension is fixed at ${dims[0]}: the engine feeds batch 1 and may fail`);

  const outputs = graph.output ?? [];
  if (outputs.length === 0) throw new ModelError(modelPath, 'the graph has no output');
  const output = outputs.find((o) => declaredShape(o).dims.length === 4) ?? outputs[0];
  const outputName = output.name ?? '';
  if (outputs.length > 1) notes.push(`the graph has ${outputs.length} outputs (${outputs.map((o) => o.name).join(', ')}): '${outputName}' chosen (the first of rank 4)`);
  const probed = (await probeTensors(model, inputName, [1, 3, height, width], [outputName], {})).get(outputName);
  const outDims = probed?.dims ?? [];
  if (outDims.length !== 4 || outDims[0] !== 1) {
    throw new ModelError(modelPath, `output '${outputName}' is ${dimText(outDims)} at input 1x3x${height}x${width}; class scores are [1, C, H, W]`);
  }
  const numClasses = outDims[1];
  if (numClasses < 2 || numClasses > 256) throw new ModelError(modelPath, `output '${outputName}' has ${numClasses} channels; 2 to 256 classes are supported`);
  const last = producerOf(graph, outputName);
  const kind = last?.opType === 'Softmax' ? 'probabilities' : 'logits';
  notes.push(`output '${outputName}' ${dimText(declaredShape(output).dims)}: ${numClasses} classes, ${kind} (its last op is ${last?.opType ?? 'unknown'})`
    + (outDims[2] !== height || outDims[3] !== width ? `; maps come out at ${outDims[3]}x${outDims[2]} and are resized to the image` : ''));

  // float32 ratios (0.2 reads 0.20000000298): 6 significant digits
  const drops = findDropoutNodes(model).map((d) => ({ ...d, ratio: Number(d.ratio.toPrecision(6)) }));
  const rates = [...new Set(drops.map((d) => d.ratio))];
  if (drops.length === 0) {
    notes.push('no Dropout node: every MC sample would be identical; add dropout with --dropout-at TENSOR[:p] (`segnet-uq inspect --tensors` lists the candidate tensors) or export with dropout kept (TrainingMode.PRESERVE)');
  } else {
    notes.push(`${drops.length} dropout point(s): ${drops.map((d) => `${d.input} p=${d.ratio}`).join(', ')}`
      + (rates.length > 1 ? ' (the card\'s dropout.rate holds the first; the engine uses each node\'s own)' : ''));
  }
  notes.push(`input.mean/std are ImageNet's (${IMAGENET.mean.join(', ')} / ${IMAGENET.std.join(', ')}): replace them with the training normalisation if it differs`);
  notes.push(`classes are placeholders ("class 0".."class ${numClasses - 1}", generated colours): name them, and set ignoreIndex if labels have one`);

  const colors = placeholderColors(numClasses);
  const raw = {
    name: path.basename(modelPath).replace(/\.onnx$/i, ''),
    description: `Drafted by \`segnet-uq card\` from ${path.basename(modelPath)}; check the notes printed with it.`,
    classes: colors.map((color, i) => ({ name: `class ${i}`, color })),
    input: { name: inputName, width, height, layout: 'NCHW', mean: [...IMAGENET.mean], std: [...IMAGENET.std] },
    output: { name: outputName, kind },
    ...(drops.length > 0 ? { dropout: { points: drops.map((d) => d.input), rate: drops[0].ratio } } : {}),
  };
  return { card: validateCard(raw, `${modelPath} (drafted card)`), notes };
}
