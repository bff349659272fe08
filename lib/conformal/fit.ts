/**
 * The fit of `segnet-uq conformal` from the streamed statistics: one threshold by conformal risk
 * control on the chosen risk, or (Mondrian) one per class on that class's missed share, with a
 * class seen in too few images falling back to the pooled threshold (flagged: not certified).
 */
import { CONFORMAL_DEFAULTS } from '../defaults';
import { SIZE_BINS } from './components';
import { crcIndex, imagesNeeded, type RiskSpec } from './crc';
import { meanRisk, meanSetSizeAt, type ConformalStats } from './stats';

export interface ConformalFitOptions {
  readonly alpha: number;
  readonly risk: RiskSpec;
  /** one threshold per class, each on the share of that class's pixels missed */
  readonly mondrian?: boolean;
  /** [CONFORMAL_DEFAULTS.minClassImages] Mondrian: fewest images holding a class for it to get its own threshold */
  readonly minClassImages?: number;
}

export interface ClassFit {
  readonly class: string;
  /** calibration images holding the class */
  readonly images: number;
  /** the threshold the class is tested against */
  readonly threshold: number;
  /** Mondrian: whether the class got its own certified threshold (false: it kept the pooled one) */
  readonly certified?: boolean;
  /** mean over those images of the share of the class's pixels whose set holds it; null without any */
  readonly coverage: number | null;
}

export interface ConformalFit {
  /** the pooled threshold (Mondrian: the fallback of the classes seen in too few images) */
  readonly threshold: number;
  /** Mondrian: the threshold of each class, in the card's order; null otherwise */
  readonly classThresholds: readonly number[] | null;
  /** images the risk was fitted on */
  readonly images: number;
  /** fewest images that can certify alpha */
  readonly imagesNeeded: number;
  /** the chosen risk on the calibration images at the threshold (Mondrian: the largest class risk) */
  readonly calibrationRisk: number;
  /** mean over calibration images of the per-image mean set size */
  readonly meanSetSize: number;
  readonly perClass: readonly ClassFit[];
  /** coverage by object size (SIZE_BINS); null for Mondrian sets (their pooled numbers need the images) */
  readonly bySize: readonly { readonly bin: string; readonly images: number; readonly coverage: number | null }[] | null;
}

const coverageAt = (r: Float64Array, images: number, k: number): number | null => (images ? 1 - r[k] : null);

/** The fit of `stats` for `options`; `classes`: the card's class names. Throws when alpha cannot be certified. */
export function fitConformal(stats: ConformalStats, classes: readonly string[], options: ConformalFitOptions): ConformalFit {
  const { alpha, risk } = options;
  const grid = stats.grid;
  const needed = imagesNeeded(alpha);
  const classRisks = stats.perClass.map(meanRisk);
  if (options.mondrian) {
    if (risk.kind !== 'miscoverage') throw new RangeError('--mondrian controls the missed share of every class; it takes --risk miscoverage (each class then gets fnr:CLASS <= alpha)');
    const minImages = Math.max(needed, options.minClassImages ?? CONFORMAL_DEFAULTS.minClassImages);
    const pooled = crcIndex(meanRisk(stats.pooled), stats.pooled.images, alpha, 'labelled images');
    const at = stats.perClass.map((g, c) => (g.images >= minImages ? crcIndex(classRisks[c], g.images, alpha, `images holding ${classes[c]}`) : pooled));
    const perClass = classes.map((name, c) => ({
      class: name, images: stats.perClass[c].images, threshold: grid[at[c]], certified: stats.perClass[c].images >= minImages,
      coverage: coverageAt(classRisks[c], stats.perClass[c].images, at[c]),
    }));
    const certified = perClass.flatMap((p, c) => (p.certified ? [classRisks[c][at[c]]] : []));
    return {
      threshold: grid[pooled], classThresholds: at.map((k) => grid[k]), images: stats.pooled.images, imagesNeeded: needed,
      calibrationRisk: certified.length ? Math.max(...certified) : meanRisk(stats.pooled)[pooled], meanSetSize: meanSetSizeAt(stats, at), perClass, bySize: null,
    };
  }
  const c = risk.kind === 'fnr' ? classes.indexOf(risk.className) : -1;
  const g = c >= 0 ? stats.perClass[c] : stats.pooled;
  const r = meanRisk(g);
  const k = crcIndex(r, g.images, alpha, c >= 0 ? `images holding ${classes[c]}` : 'labelled images');
  return {
    threshold: grid[k], classThresholds: null, images: g.images, imagesNeeded: needed, calibrationRisk: r[k],
    meanSetSize: meanSetSizeAt(stats, classes.map(() => k)),
    perClass: classes.map((name, i) => ({ class: name, images: stats.perClass[i].images, threshold: grid[k], coverage: coverageAt(classRisks[i], stats.perClass[i].images, k) })),
    bySize: SIZE_BINS.map((bin, b) => ({ bin, images: stats.bySize[b].images, coverage: coverageAt(meanRisk(stats.bySize[b]), stats.bySize[b].images, k) })),
  };
}
