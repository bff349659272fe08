/**
 * The images a person should look at first, in bounded lists (memory constant in the number of
 * images): lowest IoU, most uncertain (mean predictive entropy), most confident-but-wrong (share
 * of wrong pixels above CONFIDENT confidence) and, with a baseline that lists its images, the
 * largest change of the image's IoU against the baseline. An entry keeps a small overlay
 * thumbnail (PNG) for the page; it is rendered only when the image enters a list.
 */
import type { ModelCard } from '../model/types';
import type { RgbImage } from '../image/types';
import type { UncertaintyMaps } from '../engine/types';
import { blend, classColorMap, encodePng } from '../image';
import { resizeRgb } from '../report/image-outputs';
import { fitSize, resizeMaps } from '../report/resize-maps';
import { WORST_LISTS, type ImageRecord, type WorstEntry, type WorstList } from '../report/formats';
import type { ImageStats } from './image-stats';
import * as path from 'path';

/** audit.html shows the overlay thumbnails this wide (CSS pixels) ... */
export const THUMB_DISPLAY_PX = 160;
/** ... from PNGs twice that size, sharp at a device-pixel ratio of 2 (192 px shown at 2x looked blocky) */
export const THUMB_SIDE = 2 * THUMB_DISPLAY_PX;


interface Held { readonly entry: WorstEntry; readonly png: Buffer; readonly rank: number }

/** A list of the k entries with the largest rank values (ties: the earlier image stays). */
export class TopK {
  private readonly held: Held[] = [];
  constructor(readonly k: number) {}

  accepts(rank: number): boolean {
    return this.k > 0 && Number.isFinite(rank) && (this.held.length < this.k || rank > this.held[this.held.length - 1].rank);
  }

  /** rank: larger is worse (a negated IoU for the lowest-IoU list) */
  add(rank: number, entry: WorstEntry, png: () => Buffer): void {
    if (!this.accepts(rank)) return;
    let at = this.held.length;
    while (at > 0 && this.held[at - 1].rank < rank) at--;
    this.held.splice(at, 0, { entry, png: png(), rank });
    if (this.held.length > this.k) this.held.pop();
  }

  entries(): readonly Held[] {
    return this.held;
  }
}

/** A small overlay of the class map on the photo. */
export function overlayThumbnail(image: RgbImage, maps: UncertaintyMaps, card: ModelCard, side = THUMB_SIDE): Buffer {
  const size = fitSize(image.width, image.height, side);
  const small = resizeMaps(maps, size.width, size.height, { withVariance: false });
  const photo = resizeRgb(image, size.width, size.height);
  const classes = classColorMap(small.predicted, size.width, size.height, card.classes.map((c) => c.color));
  return encodePng(blend(photo, classes, 0.5));
}

export class WorstImages {
  readonly lists: Readonly<Record<WorstList, TopK>>;
  private readonly before: ReadonlyMap<string, ImageRecord> | null;

  constructor(k: number, baselineImages: readonly ImageRecord[] | null) {
    this.lists = { lowestIoU: new TopK(k), mostUncertain: new TopK(k), confidentButWrong: new TopK(k), changedVsBaseline: new TopK(k) };
    this.before = baselineImages ? new Map(baselineImages.map((i) => [i.name, i])) : null;
  }

  add(stats: ImageStats, image: RgbImage, maps: UncertaintyMaps, card: ModelCard): void {
    let png: Buffer | null = null;
    const thumb = (): Buffer => (png ??= overlayThumbnail(image, maps, card));
    const entry = (value: number, extra: Partial<WorstEntry> = {}): WorstEntry => ({
      file: stats.file, value, meanIoU: stats.meanIoU, meanEntropy: stats.meanEntropy, confidentWrong: stats.confidentWrong, ...extra,
    });
    if (stats.meanIoU !== null) this.lists.lowestIoU.add(-stats.meanIoU, entry(stats.meanIoU), thumb);
    this.lists.mostUncertain.add(stats.meanEntropy, entry(stats.meanEntropy), thumb);
    // ties on the share (two images with every wrong pixel confident) go to the one with more such pixels
    if (stats.wrongPixels > 0) this.lists.confidentButWrong.add(stats.confidentWrong + stats.wrongPixels * 1e-12, entry(stats.confidentWrong), thumb);
    const b = this.before?.get(path.basename(stats.file));
    if (b && b.meanIoU !== null && stats.meanIoU !== null) {
      const change = stats.meanIoU - b.meanIoU;
      this.lists.changedVsBaseline.add(Math.abs(change), entry(change, { baselineIoU: b.meanIoU }), thumb);
    }
  }

  /** The lists for audit.json (changedVsBaseline only with a baseline that lists its images). */
  result(): Partial<Record<WorstList, WorstEntry[]>> {
    const out: Partial<Record<WorstList, WorstEntry[]>> = {};
    for (const name of WORST_LISTS) {
      if (name === 'changedVsBaseline' && !this.before) continue;
      out[name] = this.lists[name].entries().map((h) => h.entry);
    }
    return out;
  }

  /** Every thumbnail held, by entry (an image in two lists has one PNG per list). */
  thumbnails(): { list: WorstList; rank: number; entry: WorstEntry; png: Buffer }[] {
    return WORST_LISTS.flatMap((list) => this.lists[list].entries().map((h, rank) => ({ list, rank, entry: h.entry, png: h.png })));
  }
}
