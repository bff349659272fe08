/**
 * The public API of segnet-uq (`require('segnet-uq')`): load a model and its card, create a
 * segmenter, sample an image into uncertainty maps, stream the metrics against labels (add,
 * merge, save as JSON), and write the report and calibration files the commands write.
 * Everything else under lib/ is internal and may move between versions.
 */

// Every user-facing default (samples, seed, batch, sizes, output folders, serve limits, ...)
export * from './defaults';

// Model and card
export { resolveModel, loadCard, validateCard, cardPathFor, saveTemperature, DEFAULT_MODEL, MODELS_DIR, CardError } from './model/card';
export { ModelError } from './onnx/model';

// Engine: one object per model; prepare (decode + preprocess) and sample an image
export { Segmenter, type SegmenterOptions, type PreparedImage, type SegmentResult } from './engine/segmenter';
export { McSampler, type SampleOptions, type SampleStage } from './engine/sampler';

// Images
export { decodePhoto, orientImage, sniffPhotoFormat, type DecodedPhoto, type Orientation, type PhotoFormat } from './image';
export { decodeImage, decodeLabel, encodePng, ImageError, type DecodeOptions, type DecodeLabelOptions } from './image';
export { resizeMaps } from './report/resize-maps';
export { metricInput } from './run/labels';

// Metrics: streamed sufficient statistics and the metric functions over them
export * from './metrics';

// Report writers
export { renderImageOutputs, writeImageOutputs, type ImageOutputs, type HeatmapRanges, type RenderedImages } from './report/image-outputs';
export { reportHtml } from './report/html';
export type { ReportSummary, ReportImage, ReportError, ReportSettings, ImageMetrics, Ranking } from './report/summary';
export type { RankingOptions } from './report/ranking';
export { writeCalibrationCharts, writeCalibrationReport, readCalibrationReport } from './report/calibration-files';
export { fileHeader, type FileHeader } from './report/file-header';
export type * from './report/formats'; // calibration.json, samples.json, audit.json (AuditResult, GateResult, ...)
export { FileError } from './errors';

// Commands, as the CLI runs them
export { runReport, type ReportOptions, type ReportEvent } from './commands/report';
export { runCalibrate, type CalibrateOptions, type CalibrateResult } from './commands/calibrate';
export { runSamples, type SamplesOptions } from './commands/samples';
export { runAudit, auditCalibrationFile, auditExitCode, type AuditOptions } from './commands/audit';
export { parseGateFlag, type GateSpec } from './audit/gates';
export { readBaseline, type Baseline } from './audit/baseline';
export { runMerge, type MergeOptions } from './commands/merge';
export { mergeShards, mergeExitCode, type ShardMergeOptions, type ShardMergeResult } from './commands/merge-shards';
export { resolveShard, parseShard, selectShard, readShardManifest, type ShardSpec, type ShardManifest } from './shard';
export { runInspect, type InspectResult } from './commands/inspect';
export { startServer, type RunningServer } from './server/server';

// Shared types
export type * from './image/types';
export type * from './model/types';
export type * from './engine/types';
export type * from './metrics/types';
export type * from './server/types';
