/** Shards: which part of the images a run takes (spec, assign), what its folder records (manifest). */
export { resolveShard, parseShard, SHARD_BY, MAX_SHARDS, type ShardBy, type ShardFlags, type ShardSpec } from './spec';
export { compareImageKeys, keysOf, selectShard, shardOfDigest, shardOfText, type ImageKey, type ShardListing } from './assign';
export { readShardManifest, writeShardManifest, SHARD_FILE, SHARD_SCHEMA_VERSION, type ShardImage, type ShardManifest } from './manifest';
export { writeSamplesShard } from './samples-shard';
