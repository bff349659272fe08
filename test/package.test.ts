/**
 * The package as a user gets it: `npm pack`, the tarball installed into a scratch folder, and
 * the README's "From code" example run there against the shipped model. A TypeScript file
 * importing 'segnet-uq' is type-checked against the installed declarations too.
 *
 * `segnet-uq serve` is started from the installed package too, and must serve its page with the
 * built script inline (the page's HTML, CSS and script ship in the tarball).
 *
 * Installing: `npm install --offline` from the npm cache first; where the cache lacks the
 * dependencies' metadata (npm ci fetches tarballs by their locked URLs only), the tarball is
 * unpacked into node_modules/segnet-uq and its dependencies are linked from this repository's
 * node_modules. Either way `require('segnet-uq')` resolves to the unpacked tarball, never to
 * this checkout (asserted).
 */
import { spawn, spawnSync } from 'node:child_process';
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

/** The scratch folder the tarball was installed into (by the first test). */
let installed: string | null = null;

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
  installed = app;

  writeFileSync(path.join(app, 'example.js'), readmeExample());
  writeFileSync(path.join(app, 'photo.jpg'), buildJpeg(96, 72, 3));
  writeFileSync(path.join(app, 'photo2.jpg'), buildJpeg(96, 72, 7));
  // class-index labels of the photos' size: classes 0..10 and CamVid's ignore value 11
  writeFileSync(path.join(app, 'label.png'), buildPng({ width: 96, height: 72, colorType: 0, samples: Array.from({ length: 96 * 72 }, (_, i) => i % 12) }));
  writeFileSync(path.join(app, 'label2.png'), buildPng({ width: 96, height: 72, colorType: 0, samples: Array.from({ length: 96 * 72 }, (_, i) => (i >> 4) % 12) }));
  const example = run(process.execPath, ['example.js', 'photo.jpg', 'label.png', 'photo2.jpg', 'label2.png'], app);
  assert.is(example.status, 0, example.out);
  assert.match(example.out, /photo\.jpg: maps 384x288 from 8 samples: mean entropy \d\.\d{4}, mean MI \d\.\d{5} nats/);
  assert.match(example.out, /photo2\.jpg: maps 384x288 from 8 samples/);
  // two labelled photos give 2 (issue 31: one photo merged with its own JSON copy printed '2 images')
  assert.match(example.out, /\n2 labelled photos, merged from 2 saved statistics: global accuracy 0\.\d{4}, ECE 0\.\d{4}/);
  assert.ok(existsSync(path.join(app, 'example-out', 'images', 'photo-0', 'entropy.png')));
  assert.ok(existsSync(path.join(app, 'example-out', 'images', 'photo-1', 'entropy.png')));
  const one = run(process.execPath, ['example.js', 'photo.jpg', 'label.png'], app);
  assert.is(one.status, 0, one.out);
  assert.match(one.out, /\n1 labelled photos, merged from 1 saved statistics/);

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

/** Starts the installed CLI's `serve` on a free port, fetches `/`, and stops it. */
async function servedPage(app: string): Promise<{ status: number; csp: string; html: string }> {
  const bin = path.join(app, 'node_modules', 'segnet-uq', 'bin', 'segnet-uq.js');
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--quiet'], { cwd: app, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no address within 60 s: ${out}`)), 60_000);
      const read = (chunk: Buffer): void => {
        out += chunk.toString();
        const m = /(http:\/\/\S+\/)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`serve exited (${code}): ${out}`)); });
    });
    const res = await fetch(url);
    return { status: res.status, csp: res.headers.get('content-security-policy') ?? '', html: await res.text() };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

test('segnet-uq serve from the installed package serves the page with its built script inline', async () => {
  assert.ok(installed, 'the tarball was installed (first test)');
  const app = installed as string;
  const pkg = path.join(app, 'node_modules', 'segnet-uq');
  const script = readFileSync(path.join(pkg, 'dist', 'browser', 'server', 'page', 'client.js'), 'utf8');
  const css = readFileSync(path.join(pkg, 'lib', 'server', 'page', 'page.css'), 'utf8');
  const page = await servedPage(app);
  assert.is(page.status, 200, page.html);
  const nonce = /script-src 'nonce-([^']+)'/.exec(page.csp)?.[1];
  assert.ok(nonce, page.csp);
  assert.ok(page.html.includes(`<script type="module" nonce="${nonce}">\n${script}</script>`), 'the installed built script, inline');
  assert.ok(page.html.includes(`<style nonce="${nonce}">\n${css}</style>`), 'the installed stylesheet, inline');
  assert.match(script, /\/api\/segment/);
});

test.run();
