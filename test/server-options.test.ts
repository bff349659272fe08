import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_SAMPLES } from '../lib/engine/convergence';
import { LIMIT_DEFAULTS, SERVE_DEFAULTS } from '../lib/defaults';
import { parseByteSize, resolveServeOptions } from '../lib/server/options';

function refused(options: Parameters<typeof resolveServeOptions>[0], kind: ErrorConstructor, message: string): void {
  try {
    resolveServeOptions(options);
  } catch (err) {
    assert.instance(err, kind);
    assert.is((err as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${message}`);
}

test('defaults fill what is not given; undefined counts as not given', () => {
  assert.equal(resolveServeOptions({}), SERVE_DEFAULTS);
  assert.equal(resolveServeOptions({ port: undefined, samples: 7 }), { ...SERVE_DEFAULTS, samples: 7 });
});

test('sample counts: the one range of lib/engine/convergence.ts, --samples within --max-samples, --max-samples within the samples limit', () => {
  assert.ok(LIMIT_DEFAULTS.samplesLimit <= MAX_SAMPLES);
  assert.is(resolveServeOptions({ maxSamples: LIMIT_DEFAULTS.samplesLimit, samples: LIMIT_DEFAULTS.samplesLimit }).samples, LIMIT_DEFAULTS.samplesLimit);
  refused({ samples: 51 }, RangeError, '--samples must be an integer in 1..50, got 51');
  refused({ samples: 0 }, RangeError, '--samples must be an integer in 1..50, got 0');
  refused({ samples: 2.5 }, RangeError, '--samples must be an integer in 1..50, got 2.5');
  refused({ maxSamples: LIMIT_DEFAULTS.samplesLimit + 1 }, RangeError, `--max-samples must be an integer in 1..${LIMIT_DEFAULTS.samplesLimit}, got ${LIMIT_DEFAULTS.samplesLimit + 1}`);
  refused({ samples: '10' as unknown as number }, TypeError, "--samples must be an integer in 1..50, got '10'");
});

test('every other number names its option and range', () => {
  refused({ port: 70000 }, RangeError, '--port must be an integer in 0..65535, got 70000');
  refused({ concurrency: 0 }, RangeError, '--concurrency must be an integer in 1..64, got 0');
  refused({ queue: -1 }, RangeError, '--queue must be an integer in 0..1024, got -1');
  refused({ maxPixels: 0 }, RangeError, '--max-pixels must be an integer in 1..2147483648, got 0');
  refused({ displayMaxSide: 8 }, RangeError, 'displayMaxSide must be an integer in 16..8192, got 8');
  refused({ host: '' }, RangeError, "--host must be an address, got ''");
});

test('parseByteSize: units, plain counts, and what it refuses', () => {
  assert.is(parseByteSize('--max-upload', '20MB'), 20 * 1024 * 1024);
  assert.is(parseByteSize('--max-upload', '1.5 KiB'), 1536);
  assert.is(parseByteSize('--max-upload', 4096), 4096);
  assert.throws(() => parseByteSize('--max-upload', 0), /^--max-upload must be a positive byte count, got 0$/);
  assert.throws(() => parseByteSize('--max-upload', '20 parsecs'), /^--max-upload must be a size such as 20MB, 512KB or 1048576, got '20 parsecs'$/);
  assert.throws(() => parseByteSize('--max-upload', '0.1b'), /^--max-upload must be at least 1 byte, got '0.1b'$/);
});

test.run();
