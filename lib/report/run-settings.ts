/**
 * What summary.json records about a run, from the segmenter it made: `settings` (what --resume
 * and merge compare: the model and card by content, the sampling and the labels) and the model
 * and sampling fields above the images.
 */
import * as path from 'path';
import type { Segmenter } from '../engine/segmenter';
import { sha256File } from './resume';
import type { ReportSettings, SamplesSetting } from './summary';
import type { SummaryBase } from './summary-writer';

/** The run's own choices: what the options said, defaults applied. */
export interface RunChoices {
  readonly samples: SamplesSetting;
  readonly seed: number;
  readonly device: string;
  /** the --temperature given; the card's (else 1) when undefined, as the segmenter samples */
  readonly temperature?: number;
  /** the label folder as given */
  readonly labels?: string;
  readonly ignoreIndex?: number;
  /** the --conformal file (read and checked by the caller) */
  readonly conformal?: string;
}

export function reportSettings(segmenter: Segmenter, c: RunChoices): ReportSettings {
  return {
    model: { path: segmenter.modelPath, sha256: sha256File(segmenter.modelPath) },
    card: { path: segmenter.cardPath, sha256: sha256File(segmenter.cardPath) },
    samples: c.samples, seed: c.seed, temperature: c.temperature ?? segmenter.card.temperature ?? 1,
    dropoutPoints: segmenter.compiled.points.map((p) => ({ tensor: p.tensor, rate: p.rate })), device: c.device,
    labels: c.labels ? path.resolve(c.labels) : null, ignoreIndex: c.ignoreIndex ?? null,
    ...(segmenter.sampler.tta === 'flip' ? { tta: 'flip' as const } : {}),
    ...(c.conformal ? { conformal: { path: path.resolve(c.conformal), sha256: sha256File(c.conformal) } } : {}),
  };
}

/** summary.json's fields above the images (SummaryWriter's base). */
export function summaryBase(segmenter: Segmenter, settings: ReportSettings, warnings: readonly string[]): SummaryBase {
  const { card, compiled } = segmenter;
  return {
    model: { path: segmenter.modelPath, name: card.name, deterministic: compiled.deterministic, dropoutPoints: settings.dropoutPoints,
      inputWidth: card.input.width, inputHeight: card.input.height, temperature: settings.temperature },
    samples: settings.samples, seed: settings.seed, batch: segmenter.sampler.batch, device: settings.device, warnings, settings,
  };
}
