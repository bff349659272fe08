/**
 * `segnet-uq conformal`: fits conformal prediction sets on labelled images. Each image is sampled
 * once through the report's per-image step (summary.json and the report come with it), its
 * fixed-size statistics streamed (lib/conformal/stats.ts), and the threshold chosen by conformal
 * risk control (lib/conformal/crc.ts) is written to OUT/conformal.json with the model and
 * sampling it holds for. A --shard run writes the statistics only; `segnet-uq merge` fits.
 */
import * as path from 'path';
import { CONFORMAL_DEFAULTS, DEFAULT_OUT } from '../defaults';
import { imagesNeeded, parseRisk, riskName } from '../conformal/crc';
import { conformalFile, identityOf, writeConformalFile, type ConformalFile, type FitRequest } from '../conformal/file';
import { conformalSectionHtml } from '../conformal/html';
import { METHODS, type ConformalMethod } from '../conformal/scores';
import { ConformalSink } from '../conformal/sink';
import { resolveModel } from '../model/card';
import type { ReportSummary } from '../report/summary';
import { listInputs } from '../run/inputs';
import { checkInteger, checkNumber } from '../validate';
import { runReportImages, writeReportIndex, type ReportOptions } from './report';

export interface ConformalOptions extends Omit<ReportOptions, 'resume' | 'labels' | 'ranking' | 'conformal'> {
  /** folder of label PNGs named like the images (required) */
  readonly labels: string;
  /** the risk to keep at or below: in (0, 1) */
  readonly alpha: number;
  /** [CONFORMAL_DEFAULTS.method] 'lac' or 'aps' sets */
  readonly method?: ConformalMethod;
  /** [CONFORMAL_DEFAULTS.risk] 'miscoverage' or 'fnr:CLASS' */
  readonly risk?: string;
  /** [false] one threshold per class, each class's missed share <= alpha */
  readonly mondrian?: boolean;
  /** [CONFORMAL_DEFAULTS.minClassImages] Mondrian: fewest images holding a class for its own threshold */
  readonly minClassImages?: number;
}

export interface ConformalResult {
  readonly summary: ReportSummary;
  readonly conformal: ConformalFile;
}

export async function runConformal(options: ConformalOptions): Promise<ConformalResult> {
  // every choice is checked before the output folder is made and any image is sampled
  if (typeof options.labels !== 'string' || options.labels === '') throw new RangeError('--labels is required: the sets are fitted against label masks');
  const alpha = checkNumber('--alpha', options.alpha, { above: 0, below: 1 });
  const method = options.method ?? CONFORMAL_DEFAULTS.method;
  if (!METHODS.includes(method)) throw new RangeError(`--method must be ${METHODS.join(' or ')}, got '${String(method)}'`);
  const minClassImages = checkInteger('--min-class-images', options.minClassImages ?? CONFORMAL_DEFAULTS.minClassImages, 1);
  const resolved = resolveModel(options.model, options.card);
  const classes = resolved.card.classes.map((c) => c.name);
  const risk = parseRisk(options.risk ?? CONFORMAL_DEFAULTS.risk, classes);
  const mondrian = Boolean(options.mondrian);
  if (mondrian && risk.kind !== 'miscoverage') throw new RangeError('--mondrian controls the missed share of every class; it takes --risk miscoverage (each class then gets fnr:CLASS <= alpha)');
  const out = path.resolve(options.out ?? DEFAULT_OUT.conformal);
  const listed = listInputs(options.inputs, { recursive: options.recursive, exclude: [out] }).files.length;
  const needed = imagesNeeded(alpha);
  if (listed < needed) {
    throw new RangeError(`--alpha ${alpha} needs at least ${needed} labelled images (n/(n+1)*risk + 1/(n+1) <= alpha needs n >= 1/alpha - 1), and ${options.inputs.join(', ')} holds ${listed}`);
  }
  const ignoreIndex = options.ignoreIndex ?? resolved.card.ignoreIndex ?? null;
  const run = await runReportImages({ ...options, out, images: options.images ?? false, resume: false },
    (card) => new ConformalSink(card.classes.length, method, ignoreIndex), resolved);
  const { summary, card, sink } = run;
  const identity = identityOf(summary.settings as NonNullable<ReportSummary['settings']>, card.name, classes);
  const req: FitRequest = { method, risk: riskName(risk), alpha, mondrian, minClassImages };
  const conformal = conformalFile(sink.stats, req, identity, summary.errors, Boolean(options.shard));
  writeConformalFile(out, conformal);
  writeReportIndex(run, [conformalSectionHtml(conformal)]);
  return { summary, conformal };
}
