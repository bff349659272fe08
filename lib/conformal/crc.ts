/**
 * Conformal risk control (Angelopoulos, Bates, Fisch, Lei, Schuster, "Conformal Risk Control",
 * ICLR 2024; reference code aangelopoulos/conformal-risk core/get_lhat.py). With n exchangeable
 * calibration images, losses in [0, B] that grow with the threshold, and the mean loss r(t) over
 * the images, the threshold
 *     t* = the largest t with (n / (n + 1)) r(t) + B / (n + 1) <= alpha
 * keeps the expected loss of a new image at or below alpha. At t = 0 every class is in the set
 * and the loss is 0, so a fit exists exactly when B / (n + 1) <= alpha.
 */

/** The risks a fit can control: both are shares of pixels in [0, 1] (B = 1) that fall as sets grow. */
export type RiskSpec = { readonly kind: 'miscoverage' } | { readonly kind: 'fnr'; readonly className: string };

/** Risks people ask for that are not monotone in the threshold (or not in the direction the rule needs). */
const NOT_MONOTONE: Readonly<Record<string, string>> = {
  fdr: 'the false discovery rate can rise or fall as a set grows',
  precision: 'precision can rise or fall as a set grows',
  iou: 'IoU can rise or fall as a set grows',
  dice: 'the Dice score can rise or fall as a set grows',
  fpr: 'the false positive rate grows with the sets (conformal risk control needs a loss that falls as they grow)',
  'set-size': 'the set size grows with the sets (conformal risk control needs a loss that falls as they grow)',
};

/** "miscoverage" or "fnr:CLASS" (a class of `classes`); other risks are refused saying why. */
export function parseRisk(text: string, classes: readonly string[]): RiskSpec {
  if (text === 'miscoverage') return { kind: 'miscoverage' };
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  if (name === 'fnr') {
    const className = text.slice(colon + 1);
    if (colon < 0 || !classes.includes(className)) throw new RangeError(`--risk fnr:CLASS needs one of the model's classes (${classes.join(', ')}), got '${text}'`);
    return { kind: 'fnr', className };
  }
  const why = NOT_MONOTONE[name];
  if (why) throw new RangeError(`--risk ${text}: not monotone in the threshold (${why}), so conformal risk control cannot certify it; use miscoverage or fnr:CLASS`);
  throw new RangeError(`--risk must be miscoverage or fnr:CLASS, got '${text}'`);
}

export const riskName = (r: RiskSpec): string => (r.kind === 'miscoverage' ? 'miscoverage' : `fnr:${r.className}`);

/** Fewest images that can certify alpha with losses bounded by B: B / (n + 1) <= alpha. */
export function imagesNeeded(alpha: number, bound = 1): number {
  let n = Math.max(0, Math.ceil(bound / alpha - 1 - 1e-9));
  while (bound / (n + 1) > alpha) n++;
  return n;
}

/** The rule's left side at mean risk r over n images. */
export const crcBound = (r: number, n: number, bound = 1): number => (n / (n + 1)) * r + bound / (n + 1);

/**
 * The largest grid index whose mean risk satisfies the rule; throws naming the images needed
 * when none can (too few images for alpha) and when the risk curve is not monotone.
 * @param what the images the risk is measured on ("labelled images", "images holding Pedestrian")
 */
export function crcIndex(risk: ArrayLike<number>, n: number, alpha: number, what: string, bound = 1): number {
  for (let k = 1; k < risk.length; k++) {
    if (risk[k] < risk[k - 1] - 1e-12) throw new Error(`the risk is not monotone in the threshold (grid point ${k}: ${risk[k]} < ${risk[k - 1]}); conformal risk control cannot certify it`);
  }
  const needed = imagesNeeded(alpha, bound);
  if (n < needed) {
    throw new RangeError(`alpha ${alpha} needs at least ${needed} ${what} (the rule (n/(n+1))*risk + ${bound}/(n+1) <= alpha needs n >= ${bound}/alpha - 1), got ${n}; `
      + `add images or raise alpha to ${Number((bound / (n + 1)).toPrecision(4))} or more`);
  }
  let best = -1;
  for (let k = 0; k < risk.length; k++) {
    if (crcBound(risk[k], n, bound) <= alpha) best = k;
    else break;
  }
  if (best < 0) throw new Error(`no threshold satisfies the rule at alpha ${alpha} (the risk at threshold 0 is ${risk[0]}, not 0)`);
  return best;
}
