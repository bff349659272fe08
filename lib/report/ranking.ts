/**
 * `report --rank-by SCORE [--rank-reduction R] [--top K]`: the images in review order (most
 * uncertain first) as OUT/ranking.csv and a `ranking` entry in summary.json.
 */
import { writeFileAtomic, insideOutput } from '../atomic';
import { DEFAULT_RANK_REDUCTION } from '../defaults';
import { RANK_BY, REDUCTIONS, type RankBy, type Reduction, type ReviewScores } from './review';
import type { Ranking } from './summary';
import { checkInteger } from '../validate';

export interface RankingOptions {
  readonly by: RankBy;
  /** [mean] */
  readonly reduction?: Reduction;
  /** [every image] how many to list */
  readonly top?: number;
}

export type { Ranking };

/** Checks the options before a run; throws a RangeError naming the flag. */
export function checkRanking(o: RankingOptions): RankingOptions {
  if (!RANK_BY.includes(o.by)) throw new RangeError(`--rank-by must be one of ${RANK_BY.join(', ')}, got ${JSON.stringify(o.by)}`);
  if (o.reduction !== undefined && !REDUCTIONS.includes(o.reduction)) throw new RangeError(`--rank-reduction must be one of ${REDUCTIONS.join(', ')}, got ${JSON.stringify(o.reduction)}`);
  if (o.top !== undefined) checkInteger('--top', o.top, 1);
  return o;
}

type Reviewed = { readonly file: string; readonly review?: Partial<ReviewScores> };

/** Images with the score, highest first; ties keep the listing order. Images without it are left out. */
export function rankImages(images: readonly Reviewed[], o: RankingOptions): Ranking {
  const reduction = o.reduction ?? DEFAULT_RANK_REDUCTION;
  const scored = images.flatMap((i, at) => {
    const s = i.review?.[o.by]?.[reduction];
    return s === undefined || !Number.isFinite(s) ? [] : [{ file: i.file, score: s, at }];
  });
  scored.sort((a, b) => b.score - a.score || a.at - b.at);
  return {
    by: o.by, reduction, ...(o.top === undefined ? {} : { top: o.top }),
    images: scored.slice(0, o.top ?? scored.length).map((s, k) => ({ rank: k + 1, file: s.file, score: s.score })),
  };
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
/**
 * A text cell of the CSV: a leading = + - @ tab or carriage return is prefixed with ' so a
 * spreadsheet reads a file name as text, not a formula (OWASP, CSV injection); then quoted when
 * it holds a quote, comma or line break.
 */
export function csvField(text: string): string {
  const v = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function rankingCsv(r: Ranking, images: readonly Reviewed[]): string {
  const byFile = new Map(images.map((i) => [i.file, i.review]));
  const cols = RANK_BY.map((k) => `${k}_${r.reduction}`);
  const rows = r.images.map((e) => {
    const review = byFile.get(e.file);
    return [String(e.rank), csvField(e.file), String(e.score), ...RANK_BY.map((k) => String(review?.[k]?.[r.reduction] ?? ''))].join(',');
  });
  return [`rank,file,score,${cols.join(',')}`, ...rows].join('\n') + '\n';
}

/** Writes OUT/ranking.csv; returns the ranking for summary.json's `ranking`. */
export function writeRanking(out: string, images: readonly Reviewed[], o: RankingOptions): Ranking {
  const ranking = rankImages(images, checkRanking(o));
  writeFileAtomic(insideOutput(out, 'ranking.csv'), rankingCsv(ranking, images));
  return ranking;
}
