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
export { corrupt, checkCorruption, checkSeverity, CORRUPTIONS, SEVERITIES, SEVERITY_CONSTANTS, FROST_OMITTED, type CorruptionName } from './corruptions';

// Metrics: streamed sufficient statistics and the metric functions over them
export * from './metrics';

// Report writers
export { renderImageOutputs, writeImageOutputs, type ImageOutputs, type HeatmapRanges, type MapScale, type RenderedImages } from './report/image-outputs';
export { renderLabelOutputs, writeLabelOutputs, type LabelOutputs } from './report/label-outputs';
export { reportHtml } from './report/html';
export type { ReportSummary, ReportImage, ReportError, ReportSettings, ImageMetrics, Ranking } from './report/summary';
export type { RankingOptions } from './report/ranking';
export { calibrationReport, writeCalibrationCharts, writeCalibrationReport, readCalibrationReport, type CalibrationMeasures } from './report/calibration-files';
export { fileHeader, type FileHeader } from './report/file-header';
export type * from './report/formats'; // calibration.json, samples.json, audit.json (AuditResult, GateResult, ...)
export { FileError } from './errors';

// Commands, as the CLI runs them
export { runReport, type ReportOptions, type ReportEvent } from './commands/report';
export { runCalibrate, type CalibrateOptions, type CalibrateResult } from './commands/calibrate';
export { runConformal, type ConformalOptions, type ConformalResult } from './commands/conformal';
export { runSamples, type SamplesOptions } from './commands/samples';
export { runShift, type ShiftOptions } from './commands/shift';
export { readShiftResult, type ShiftResult, type ShiftRow, type ShiftMetrics, type SeveritySummary } from './shift/result';
export type { ShiftCondition } from './shift/conditions';
export { runAudit, auditCalibrationFile, auditExitCode, type AuditOptions } from './commands/audit';
export { runAnomaly, type AnomalyOptions, type AnomalyResult } from './commands/anomaly';
export type { AnomalyReport, AnomalyScoreReport } from './anomaly/report-file';
export { parseGateFlag, type GateSpec } from './audit/gates';
export { readBaseline, type Baseline } from './audit/baseline';
export { runMerge, type MergeOptions } from './commands/merge';
export { mergeShards, mergeExitCode, type ShardMergeOptions, type ShardMergeResult } from './commands/merge-shards';
export { resolveShard, parseShard, selectShard, readShardManifest, type ShardSpec, type ShardManifest } from './shard';
export { formatTensors, runInspect, type InspectOptions, type InspectResult, type TensorCandidate } from './commands/inspect';
export { startServer, type RunningServer } from './server/server';

// Shared types
export type * from './image/types';
export type * from './model/types';
export type * from './engine/types';
export type * from './metrics/types';
export type * from './server/types';

// Types that the signatures above name: importable by name (test/index-types.test.ts keeps this list complete)
export type { MeasuredRun } from './audit/metrics';
export type { GroupBy } from './audit/slices';
export type { AuditFileOptions, AuditGateOptions } from './commands/audit';
export type { ImageRunOptions, RunEvent } from './commands/run-options';
export type { SamplesEvent } from './commands/samples';
export type { CompiledModel, CompiledPoint } from './engine/compile';
export type { AutoSamples, ConvergenceCheck, SampleCount } from './engine/convergence';
export type { ChunkResult } from './engine/sampler';
export type { SegmentOptions } from './engine/segmenter';
export type { SessionOptions } from './engine/session';
export type { ChunkAccumulator } from './engine/uncertainty-maps';
export { TTA_MODES, type Tta } from './engine/flip';
export type { FileErrorOptions } from './errors';
export type { DropoutNodeInfo, DropoutPoint } from './graph/dropout-rewrite';
export type { SparseBinsJSON } from './metrics/log-bins';
export type { TemperatureCheck } from './metrics/temperature-check';
export type { NpyOutputs, SaveMaps } from './report/npy-outputs';
export type { RankBy, Reduced, Reduction, ReviewScores } from './report/review';
export type { ReportImageOutputs, SamplesSetting } from './report/summary';
export type { InputListing } from './run/inputs';
export type { ImageSink, LabelledImage, SampledImage } from './run/types';
export type { AnomalyScoringOptions } from './anomaly/run';
export type { AnomalyCharts } from './anomaly/charts';
export type { AnomalyHistogramJSON } from './anomaly/pixel-stats';
export type { AnomalyImage } from './anomaly/sink';
export type { AnomalyKind } from './anomaly/scores';
export type { ComponentMetrics, ComponentSizes } from './anomaly/components';
export type { PixelMetrics } from './anomaly/pixel-metrics';
export type { App, ServeEvent } from './server/app';
export type { ResolvedServeOptions, ServeOptions } from './server/options';
export type { PageRenderer } from './server/page';
export type { ProgressRegistry } from './server/progress';
export type { QueueStats, Ticket, WorkQueue } from './server/queue';
export type { MapName, ResultStore, StoredMaps, StoredResult } from './server/result-store';
export type { HostJob, SessionHost } from './server/session-host';
export type { UploadGate, UploadHandle, UploadProgress } from './server/upload-gate';
export { HttpError } from './server/http-error';
export type { Gallery } from './server/gallery';
export type { ImageKey, ShardListing } from './shard/assign';
export type { ShardImage } from './shard/manifest';
export type { ShardsRecord } from './shard/shards-record';
export type { Env, ShardBy, ShardFlags } from './shard/spec';
// conformal prediction sets (lib/conformal): the fit, its file, one image's sets
export { applySets, conformalMetrics, type AppliedImage, type ConformalMetrics, type ConformalSets } from './conformal/apply';
export { readConformalFile, type ConformalFile, type ConformalIdentity, type LoadedConformal } from './conformal/file';
export type { ClassFit, ConformalFit } from './conformal/fit';
export type { ConformalMethod } from './conformal/scores';
export type { ConformalStats, ConformalStatsJSON, GroupSums } from './conformal/stats';
export type { ImageConformal } from './report/summary';
