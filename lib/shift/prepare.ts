/**
 * One condition's input: the decoded image corrupted in memory and preprocessed again. The
 * digest stays the image's, so every condition samples with the image's own dropout masks
 * (lib/engine/masks.ts keys them by it): clean and corrupted passes differ by the corruption alone.
 */
import { corrupt } from '../corruptions';
import type { PreparedImage } from '../engine/segmenter';
import { imageToInputTensor } from '../image/preprocess';
import type { ModelCard } from '../model/types';
import type { ShiftCondition } from './conditions';

/** The clean condition returns `prepared` itself (the very input calibrate samples). */
export async function conditionInput(prepared: PreparedImage, condition: ShiftCondition, seed: number, card: ModelCard): Promise<PreparedImage> {
  if (condition.corruption === 'none') return prepared;
  const image = await corrupt(prepared.image, condition.corruption, condition.severity, seed, prepared.digest);
  return { ...prepared, image, input: imageToInputTensor(image, card.input) };
}
