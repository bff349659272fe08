/**
 * With --labels, what a reader needs to compare uncertainty with errors by eye (issue 31): the
 * label in the class colours, the error map (wrong pixels red, right ones white, the ignore label
 * grey) and the entropy heatmap with the edges of the wrong regions drawn on it in magenta (a hue
 * viridis never takes). Drawn at the size of the other maps (nearest pixel of the full-resolution
 * label and maps), so they line up with them.
 */
import type { ModelCard } from '../model/types';
import type { GrayImage, RgbImage } from '../image/types';
import type { UncertaintyMaps } from '../engine/types';
import { applyColormap, encodePng } from '../image';
import { insideOutput, writeFileAtomic } from '../atomic';
import { fitSize } from './resize-maps';

/** Relative paths of one labelled image's files. */
export interface LabelOutputs {
  readonly label: string;
  readonly errors: string;
  readonly errorOverlay: string;
}

export const LABEL_FILES = { label: 'label.png', errors: 'errors.png', errorOverlay: 'entropy-errors.png' } as const;

export const IGNORE_RGB = [150, 150, 150] as const;
export const WRONG_RGB = [214, 39, 40] as const;
export const RIGHT_RGB = [255, 255, 255] as const;
export const EDGE_RGB = [255, 0, 255] as const;

/** What a labelled pixel is at display size: 0 right, 1 wrong, 2 ignored. */
function states(label: GrayImage, predicted: Uint8Array, ignoreIndex: number | null, width: number, height: number): { state: Uint8Array; cls: Uint8Array } {
  const state = new Uint8Array(width * height);
  const cls = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(label.height - 1, Math.floor(((y + 0.5) * label.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(label.width - 1, Math.floor(((x + 0.5) * label.width) / width));
      const v = label.data[sy * label.width + sx];
      const i = y * width + x;
      cls[i] = v;
      state[i] = v === ignoreIndex ? 2 : v === predicted[sy * label.width + sx] ? 0 : 1;
    }
  }
  return { state, cls };
}

/**
 * Renders the label, error map and error overlay at the display size of the image's other maps.
 * @param maps the maps at the label's (the image's) resolution
 * @param entropyRange the entropy heatmap's colour range, so the overlay matches it
 */
export function renderLabelOutputs(label: GrayImage, maps: UncertaintyMaps, card: ModelCard, ignoreIndex: number | null, maxSide: number,
  entropyRange: readonly [number, number]): { label: RgbImage; errors: RgbImage; errorOverlay: RgbImage } {
  if (maps.width !== label.width || maps.height !== label.height) {
    throw new RangeError(`label ${label.width}x${label.height} and maps ${maps.width}x${maps.height} differ`);
  }
  const { width, height } = fitSize(label.width, label.height, maxSide);
  const { state, cls } = states(label, maps.predicted, ignoreIndex, width, height);
  const n = width * height;
  const labelRgb = new Uint8Array(n * 3), errors = new Uint8Array(n * 3);
  const entropy = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(label.height - 1, Math.floor(((y + 0.5) * label.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(label.width - 1, Math.floor(((x + 0.5) * label.width) / width));
      entropy[y * width + x] = maps.predictiveEntropy[sy * label.width + sx];
    }
  }
  for (let i = 0; i < n; i++) {
    const c = state[i] === 2 ? IGNORE_RGB : card.classes[cls[i]]?.color ?? IGNORE_RGB;
    labelRgb.set(c, i * 3);
    errors.set(state[i] === 0 ? RIGHT_RGB : state[i] === 1 ? WRONG_RGB : IGNORE_RGB, i * 3);
  }
  const overlay = applyColormap(entropy, width, height, { min: entropyRange[0], max: entropyRange[1], name: 'viridis' });
  const data = overlay.data.slice();
  // the edge of each wrong region: a wrong pixel with a 4-neighbour that is not wrong (or the border)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (state[i] !== 1) continue;
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1
        || state[i - 1] !== 1 || state[i + 1] !== 1 || state[i - width] !== 1 || state[i + width] !== 1;
      if (edge) data.set(EDGE_RGB, i * 3);
    }
  }
  return { label: { width, height, data: labelRgb }, errors: { width, height, data: errors }, errorOverlay: { width, height, data } };
}

/** Writes renderLabelOutputs under OUT/images/NAME/ and returns the relative paths. */
export function writeLabelOutputs(outRoot: string, name: string, label: GrayImage, maps: UncertaintyMaps, card: ModelCard,
  ignoreIndex: number | null, maxSide: number, entropyRange: readonly [number, number]): LabelOutputs {
  const images = renderLabelOutputs(label, maps, card, ignoreIndex, maxSide, entropyRange);
  const outputs: LabelOutputs = {
    label: `images/${name}/${LABEL_FILES.label}`, errors: `images/${name}/${LABEL_FILES.errors}`, errorOverlay: `images/${name}/${LABEL_FILES.errorOverlay}`,
  };
  for (const key of ['label', 'errors', 'errorOverlay'] as const) writeFileAtomic(insideOutput(outRoot, outputs[key]), encodePng(images[key]));
  return outputs;
}

/** IoU per class present in the label (labelled pixels > 0), from an image's flat confusion counts [label * C + predicted]. */
export function presentClassIoU(confusion: readonly number[], numClasses: number): { index: number; iou: number; pixels: number }[] {
  const result: { index: number; iou: number; pixels: number }[] = [];
  for (let c = 0; c < numClasses; c++) {
    let row = 0, col = 0;
    for (let k = 0; k < numClasses; k++) {
      row += confusion[c * numClasses + k];
      col += confusion[k * numClasses + c];
    }
    if (row === 0) continue;
    const tp = confusion[c * numClasses + c];
    result.push({ index: c, iou: tp / (row + col - tp), pixels: row });
  }
  return result;
}
