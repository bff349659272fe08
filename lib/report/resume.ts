/** `report --resume`: which images of an earlier OUT/summary.json can be re-used as they are. */
import { createHash } from 'crypto';
import { existsSync } from 'fs';
import { insideOutput, safeOutputName } from '../atomic';
import { FileError } from '../errors';
import { readJsonFile } from '../json-file';
import { checkFile } from '../schema';
import { summarySchema } from './format-schemas';
import { sha256Untrusted, type ReadKind } from '../safe-read';
import { npyReusable, type NpyOutputs, type SaveMaps } from './npy-outputs';
import type { ReportImage, ReportSettings, ReportSummary } from './summary';

/** sha256 of a file's bytes, hex (a model or card: read as a file the tool did not make). */
export const sha256File = (file: string, limit: ReadKind = 'model'): string => sha256Untrusted(file, { limit });

/**
 * The finished images of OUT/summary.json, by input path, when its settings match `settings`.
 * Throws when they differ: a resumed report must not mix numbers made two ways.
 */
export function previousImages(out: string, settings: ReportSettings): Map<string, ReportImage> {
  const file = insideOutput(out, 'summary.json');
  if (!existsSync(file)) return new Map();
  let previous: ReportSummary;
  try {
    previous = readJsonFile(file, { flag: '--resume' }) as ReportSummary;
  } catch (err) {
    throw new FileError(file, `${err instanceof FileError ? err.reason.replace(/^not JSON/, 'is not readable JSON') : String(err)}; remove it or use another --out`, { flag: '--resume', cause: err });
  }
  if (!previous || !Array.isArray(previous.images)) throw new FileError(file, 'is not a segnet-uq summary', { flag: '--resume' });
  checkFile(file, previous, summarySchema, { flag: '--resume' });
  const before = previous.settings;
  if (!before) throw new FileError(file, 'does not record its settings (made by an older version); use another --out', { flag: '--resume' });
  // both sides' keys: a setting recorded only when used (tta) must differ from its absence
  const differing = ([...new Set([...Object.keys(settings), ...Object.keys(before)])] as (keyof ReportSettings)[])
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(settings[k]));
  if (differing.length > 0) {
    const show = (v: unknown): string => { const t = JSON.stringify(v) ?? 'none'; return t.length > 80 ? `${t.slice(0, 77)}...` : t; };
    throw new FileError(file, `was made with other settings (${differing.map((k) => `${k} ${show(before[k])}, now ${show(settings[k])}`).join('; ')}); `
      + 'rerun with the same settings or use another --out', { flag: '--resume' });
  }
  return new Map(previous.images.map((i) => [i.file, i]));
}

/**
 * A previous entry is re-usable when its bytes and files are the same and its folder (named by
 * its old place in the listing) is not the name of another image of this run.
 */
export function reusable(entry: ReportImage, digest: string, id: string, takenIds: ReadonlySet<string>, out: string, labelled: boolean,
  images: boolean, saveMaps?: SaveMaps): boolean {
  if (entry.sha256 !== digest || (entry.id !== id && takenIds.has(entry.id))) return false;
  if (labelled && !entry.metrics?.confusion) return false;
  if (images && !entry.outputs?.photo) return false;
  if (!npyReusable(entry.outputs?.npy, saveMaps)) return false;
  const files = Object.values(entry.outputs ?? {}).flatMap((v: string | NpyOutputs | undefined) => (v === undefined ? [] : typeof v === 'string' ? [v] : Object.values(v) as string[]));
  return files.every((rel) => existsSync(insideOutput(out, rel)));
}

/**
 * `--resume`: runPipeline's `reuse` step over OUT/summary.json (made with `settings`, else this
 * throws). An image is re-used when that summary lists it and `reusable` says its bytes and
 * files still match; `files` is this run's listing.
 */
export function resumeStep(out: string, settings: ReportSettings, files: readonly string[],
  want: { readonly labelled: boolean; readonly images: boolean; readonly saveMaps?: SaveMaps }): (file: string, index: number, bytes: Uint8Array) => ReportImage | undefined {
  const previous = previousImages(out, settings);
  const takenIds = new Set(files.map((f, i) => safeOutputName(i, f)));
  return (file, index, bytes) => {
    const entry = previous.get(file);
    if (!entry) return undefined; // a new image: the segmenter hashes it once, when it prepares it
    const digest = createHash('sha256').update(bytes).digest('hex');
    return reusable(entry, digest, safeOutputName(index, file), takenIds, out, want.labelled, want.images, want.saveMaps) ? entry : undefined;
  };
}
