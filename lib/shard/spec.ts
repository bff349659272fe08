/**
 * Which shard this process is: from `--shard i/n`, or else from the batch system's own variables
 * (Slurm array, Kubernetes Indexed Job, CI matrix / parallel jobs). segnet-uq schedules nothing;
 * it only reads what the engine already set.
 */
import { DEFAULT_SHARD_BY } from '../defaults';
import { checkInteger, parseInteger } from '../validate';

/** How images are assigned: by their path relative to the input root, or by their content. */
export type ShardBy = 'path' | 'content';
export const SHARD_BY: readonly ShardBy[] = ['path', 'content'];

export interface ShardSpec {
  /** 0-based */
  readonly index: number;
  readonly count: number;
  readonly by: ShardBy;
  /** where index and count came from, in words ('--shard', 'SLURM_ARRAY_TASK_ID', ...) */
  readonly source: string;
}

/** Most shards one run is split into (an index is a 48-bit hash modulo the count). */
export const MAX_SHARDS = 1_000_000;

const wholeNumber = (what: string, text: string | undefined): number => parseInteger(what, text ?? '', 0);

function checked(index: number, count: number, by: ShardBy, source: string): ShardSpec {
  checkInteger(`${source}: the shard count`, count, 1, MAX_SHARDS);
  if (index >= count) throw new RangeError(`${source}: shard index ${index} is not below the shard count ${count} (indices are 0-based)`);
  if (!SHARD_BY.includes(by)) throw new RangeError(`--shard-by must be path or content, got ${JSON.stringify(by)}`);
  return { index, count, by, source };
}

/** "2/4" -> shard 2 of 4 (0-based, so 0/4 .. 3/4). */
export function parseShard(text: string, by: ShardBy = DEFAULT_SHARD_BY): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(text));
  if (!m) throw new RangeError(`--shard must be INDEX/COUNT with a 0-based index, e.g. 0/4, got ${JSON.stringify(text)}`);
  return checked(Number(m[1]), Number(m[2]), by, '--shard');
}

export interface ShardFlags {
  /** --shard i/n */
  readonly shard?: string;
  /** --shards n: the count when only an index comes from the environment */
  readonly shards?: number;
  /** [path] --shard-by */
  readonly by?: ShardBy;
  /** --no-shard: ignore the environment */
  readonly ignoreEnv?: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A Slurm array task: ids MIN, MIN+STEP, ... MAX; COUNT tasks. */
function fromSlurm(env: Env, by: ShardBy, shards: number | undefined): ShardSpec {
  const id = wholeNumber('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID);
  const min = env.SLURM_ARRAY_TASK_MIN !== undefined ? wholeNumber('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN) : 0;
  const step = env.SLURM_ARRAY_TASK_STEP !== undefined ? Math.max(1, wholeNumber('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP)) : 1;
  let count: number | undefined;
  if (env.SLURM_ARRAY_TASK_COUNT !== undefined) count = wholeNumber('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT);
  else if (env.SLURM_ARRAY_TASK_MAX !== undefined) count = Math.floor((wholeNumber('SLURM_ARRAY_TASK_MAX', env.SLURM_ARRAY_TASK_MAX) - min) / step) + 1;
  else count = shards;
  const source = 'SLURM_ARRAY_TASK_ID';
  if (count === undefined) throw new RangeError(`${source} is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX: pass --shard i/n`);
  if (shards !== undefined && shards !== count) throw new RangeError(`--shards ${shards} differs from the Slurm array's ${count} tasks`);
  if ((id - min) % step !== 0 || id < min) throw new RangeError(`${source} ${id} is not on the array's grid (min ${min}, step ${step}): pass --shard i/n`);
  // an array such as --array=0,3,7 has ids off any grid: the index would land past the count
  return checked((id - min) / step, count, by, `${source} ${id} (array min ${min}, ${count} tasks)`);
}

/** One of the CI systems' parallel-job variables: [index variable, count variable, index base]. */
const CI_VARIABLES: readonly (readonly [string, string, number])[] = [
  ['SHARD_INDEX', 'SHARD_COUNT', 0], // any CI matrix: set both from the matrix (examples/github-actions)
  ['CI_NODE_INDEX', 'CI_NODE_TOTAL', 1], // GitLab CI `parallel: N`
  ['CIRCLE_NODE_INDEX', 'CIRCLE_NODE_TOTAL', 0], // CircleCI `parallelism`
  ['BUILDKITE_PARALLEL_JOB', 'BUILDKITE_PARALLEL_JOB_COUNT', 0], // Buildkite `parallelism`
];

/**
 * The shard of this process, or null when none is asked for. `--shard` wins; otherwise, unless
 * `ignoreEnv`, the first of: a Slurm array task, a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
 * (count from --shards or SHARD_COUNT), a CI parallel job. Throws RangeError naming the variable.
 */
export function resolveShard(flags: ShardFlags, env: Env = process.env): ShardSpec | null {
  const by = flags.by ?? DEFAULT_SHARD_BY;
  if (flags.shards !== undefined) checkInteger('--shards', flags.shards, 1);
  if (flags.shard !== undefined) {
    const spec = parseShard(flags.shard, by);
    if (flags.shards !== undefined && flags.shards !== spec.count) throw new RangeError(`--shards ${flags.shards} differs from --shard ${flags.shard}`);
    return spec;
  }
  if (flags.ignoreEnv) {
    if (flags.shards !== undefined) throw new RangeError('--shards needs a shard index: --shard i/n or the batch system\'s variable');
    return null;
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) return fromSlurm(env, by, flags.shards);
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = wholeNumber('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX);
    const count = flags.shards ?? (env.SHARD_COUNT !== undefined ? wholeNumber('SHARD_COUNT', env.SHARD_COUNT) : undefined);
    if (count === undefined) throw new RangeError('JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not the shard count: pass --shards N (the Job\'s completions) or set SHARD_COUNT');
    return checked(index, count, by, `JOB_COMPLETION_INDEX ${index}`);
  }
  for (const [indexVar, countVar, base] of CI_VARIABLES) {
    if (env[indexVar] === undefined) continue;
    const index = wholeNumber(indexVar, env[indexVar]) - base;
    const count = flags.shards ?? (env[countVar] !== undefined ? wholeNumber(countVar, env[countVar]) : undefined);
    if (count === undefined) throw new RangeError(`${indexVar} is set but not ${countVar}: pass --shards N`);
    if (index < 0) throw new RangeError(`${indexVar} ${env[indexVar]} is below ${base}, where it starts`);
    return checked(index, count, by, `${indexVar} ${env[indexVar]}`);
  }
  if (flags.shards !== undefined) throw new RangeError('--shards needs a shard index: --shard i/n or the batch system\'s variable (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, SHARD_INDEX)');
  return null;
}
