/**
 * The package as a user gets it: `npm pack`, the tarball installed into a scratch folder, and
 * the README's "From code" example run there against the shipped model. A TypeScript file
 * importing 'segnet-uq' is type-checked against the installed declarations too.
 *
 * Installing: `npm install --offline` from the npm cache first; where the cache lacks the
 * dependencies' metadata (npm ci fetches tarballs by their locked URLs only), the tarball is
 * unpacked into node_modules/segnet-uq and its dependencies are linked from this repository's
 * node_modules. Either way `require('segnet-uq')` resolves to the unpacked tarball, never to
 * this checkout (asserted).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildJpeg, buildPng, tempDir } from './fixtures/report-inputs';

const ROOT = path.join(__dirname, '..');
const ENV = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' };

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): { status: number | null; stdout: string; out: string } {
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The first ```js block after the README's "## From code" heading. */
function readmeExample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('## From code');
  assert.ok(at >= 0, 'README has a "From code" section');
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, 'the "From code" section has a ```js example');
  return (m as RegExpExecArray)[1];
}

/** Unpacks the tarball as node_modules/segnet-uq and links its dependencies from this repository. */
function installByHand(app: string, tgz: string): void {
  const unpack = path.join(app, 'unpack');
  mkdirSync(unpack, { recursive: true });
  const tar = run('tar', ['-xzf', tgz, '-C', unpack], app);
  assert.is(tar.status, 0, tar.out);
  const modules = path.join(app, 'node_modules');
  mkdirSync(modules, { recursive: true });
  renameSync(path.join(unpack, 'package'), path.join(modules, 'segnet-uq'));
  const pkg = JSON.parse(readFileSync(path.join(modules, 'segnet-uq', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    const target = path.join(modules, dep);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', dep), target, 'dir');
  }
}

test('npm pack, install the tarball, run the README example from there', () => {
  const scratch = tempDir('segnet-uq-pack-');
  const pack = run('npm', ['pack', '--json', '--pack-destination', scratch], ROOT);
  assert.is(pack.status, 0, `npm pack failed: ${pack.out.slice(-2000)}`);
  const tgz = path.join(scratch, (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string }[])[0].filename);
  assert.ok(existsSync(tgz), tgz);

  const app = path.join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  const npmInstall = run('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], app);
  if (npmInstall.status !== 0) {
    console.log('  (npm install --offline found no cached metadata; installing the tarball with linked dependencies)');
    installByHand(app, tgz);
  }
  const resolved = realpathSync(require.resolve('segnet-uq', { paths: [app] }));
  assert.ok(resolved.startsWith(realpathSync(path.join(app, 'node_modules', 'segnet-uq')) + path.sep), `resolved ${resolved}`);
  assert.ok(existsSync(path.join(app, 'node_modules', 'segnet-uq', 'dist', 'lib', 'index.d.ts')), 'the declarations ship');

  writeFileSync(path.join(app, 'example.js'), readmeExample());
  writeFileSync(path.join(app, 'photo.jpg'), buildJpeg(96, 72, 3));
  // a class-index label of the photo's size: classes 0..10 and CamVid's ignore value 11
  writeFileSync(path.join(app, 'label.png'), buildPng({ width: 96, height: 72, colorType: 0, samples: Array.from({ length: 96 * 72 }, (_, i) => i % 12) }));
  const example = run(process.execPath, ['example.js', 'photo.jpg', 'label.png'], app);
  assert.is(example.status, 0, example.out);
  assert.match(example.out, /maps 384x288 from 8 samples: mean entropy \d\.\d{4}, mean MI \d\.\d{5} nats/);
  assert.match(example.out, /2 images: global accuracy 0\.\d{4}, ECE 0\.\d{4}/);
  assert.ok(existsSync(path.join(app, 'example-out', 'images', 'photo', 'entropy.png')));

  // the declarations type a TypeScript user's code
  writeFileSync(path.join(app, 'check.ts'), `import { Segmenter, summarizeMetrics, createMetricStats, type UncertaintyMaps } from 'segnet-uq';
export async function width(bytes: Uint8Array): Promise<number> {
  const segmenter = await Segmenter.create({ batch: 2, device: 'cpu' });
  const maps: UncertaintyMaps = (await segmenter.sample(await segmenter.prepare(bytes, 'x.png'), { samples: 2, seed: 0 })).maps;
  const miou: number | null = summarizeMetrics(createMetricStats({ numClasses: 2 })).meanIoU;
  return maps.width + (miou ?? 0);
}
`);
  const tsc = run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck',
    '--module', 'commonjs', '--moduleResolution', 'node', '--target', 'ES2022', '--typeRoots', path.join(ROOT, 'node_modules', '@types'),
    '--types', 'node', 'check.ts'], app);
  assert.is(tsc.status, 0, tsc.out);
});

test.run();
