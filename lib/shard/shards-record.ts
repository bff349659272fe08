/** What every merged JSON and index.html records about the shards: which were merged, which are missing. */
import { escapeHtml } from '../report/html';
import type { LoadedShard } from './merge-checks';

export interface ShardsRecord {
  readonly count: number;
  readonly by: string;
  readonly merged: readonly { readonly index: number; readonly dir: string; readonly images: number }[];
  /** indices of the shards left out (only with allowPartial) */
  readonly missing: readonly number[];
}

/** The record of `shards` (in shard order) and the `missing` indices. */
export function shardsRecord(shards: readonly LoadedShard[], missing: readonly number[]): ShardsRecord {
  const { count, by } = shards[0].manifest.shard;
  return { count, by, missing, merged: shards.map((s) => ({ index: s.manifest.shard.index, dir: s.dir, images: s.manifest.images.length })) };
}

/** index.html's section on the shards; a partial merge says its numbers leave images out. */
export function shardsSectionHtml(record: ShardsRecord): string {
  const missing = record.missing.length
    ? `<p class="errors">Partial merge: shard${record.missing.length > 1 ? 's' : ''} ${record.missing.join(', ')} of ${record.count} missing; their images are not in these numbers.</p>` : '';
  return `<h2>Shards (${record.merged.length} of ${record.count}, assigned by ${escapeHtml(record.by)})</h2>${missing}
<ul>${record.merged.map((s) => `<li>shard ${s.index}: <code>${escapeHtml(s.dir)}</code>, ${s.images} images</li>`).join('')}</ul>`;
}
