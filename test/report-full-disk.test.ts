/**
 * A full disk: the report's output folder is a tiny tmpfs that fills up part way through the
 * run. Whatever stops, no file is left truncated: every PNG decodes, summary.json (when there is
 * one) parses, no temporary file stays behind, and the failure names ENOSPC. Needs root (mount);
 * elsewhere it says so and skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReport } from '../lib/commands/report';
import { buildPng, tempDir, tinyModelDir } from './fixtures/report-inputs';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const mountPoint = tempDir('segnet-uq-full-');
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs', mountPoint], { stdio: 'ignore' }).status === 0;

if (!mounted) {
  console.log('  report-full-disk: SKIPPED (cannot mount a small tmpfs here: needs root)');
} else {
  test.after(() => { spawnSync('umount', [mountPoint], { stdio: 'ignore' }); });

  test('a disk that fills up mid-run leaves no truncated file and names ENOSPC', async () => {
    const model = tinyModelDir();
    const images = tempDir();
    for (let i = 0; i < 12; i++) writeFileSync(path.join(images, `img-${i}.png`), buildPng({ width: 96 + i, height: 72 }));
    const out = path.join(mountPoint, 'report');
    mkdirSync(out, { recursive: true });
    let failure: Error | null = null;
    let errors: { file: string; message: string }[] = [];
    try {
      const summary = await runReport({ inputs: [images], out, samples: 2, model: model.model, card: model.card });
      errors = summary.errors.slice();
    } catch (err) {
      failure = err as Error;
    }
    const messages = [failure?.message ?? '', ...errors.map((e) => e.message)].join('\n');
    console.log(`  full disk: ${failure ? `run stopped: ${failure.message}` : `${errors.length} image errors, e.g. ${errors[0]?.message}`}`);
    assert.ok(/ENOSPC|no space/i.test(messages), `the run should report the full disk, got: ${messages.slice(0, 300)}`);
    const files = walk(out);
    assert.equal(files.filter((f) => f.endsWith('.tmp')), [], 'temporary files left behind');
    for (const f of files.filter((x) => x.endsWith('.png'))) {
      assert.not.throws(() => PNG.sync.read(readFileSync(f)), `${f} is truncated`);
    }
    const summaryFile = path.join(out, 'summary.json');
    if (files.includes(summaryFile)) {
      const parsed = JSON.parse(readFileSync(summaryFile, 'utf8')) as { images: unknown[] };
      assert.ok(Array.isArray(parsed.images));
    }
  });
}

test.run();
