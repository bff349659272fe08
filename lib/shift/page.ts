/** OUT/index.html of a shift run (placeholder until the charts land). */
import { insideOutput, writeFileAtomic } from '../atomic';
import type { ModelCard } from '../model/types';
import type { ShiftResult } from './result';

export function writeShiftPage(out: string, result: ShiftResult, card: ModelCard): void {
  void card;
  writeFileAtomic(insideOutput(out, 'index.html'), `<!doctype html><meta charset="utf-8"><title>shift</title><pre>${result.rows.length} conditions</pre>`);
}
