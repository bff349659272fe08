/** serve --conformal: the file must fit the served model at start; its samples and seed are checked per request (segment-route.ts). */
import { checkConformalFits, type LoadedConformal } from '../conformal/file';
import { sha256File } from '../report/resume';
import type { ModelInfo } from './session-protocol';

/** Throws naming each difference when the file was fitted on another model, temperature, dropout or class list. */
export function checkServedConformal(c: LoadedConformal, info: ModelInfo, modelPath: string, temperature?: number): void {
  checkConformalFits(c, {
    model: { path: modelPath, sha256: sha256File(modelPath), name: info.card.name, temperature: temperature ?? info.card.temperature ?? 1, dropoutPoints: info.dropoutPoints },
    samples: c.content.samples, seed: c.content.seed, classes: info.card.classes.map((k) => k.name), ignoreIndex: null,
  });
}
