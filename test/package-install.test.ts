/**
 * Installing segnet-uq as a dependency (issue 31, friction 1): onnxruntime-node's postinstall
 * downloads CUDA libraries from NuGet and fails offline. The README's "From code" says how to skip
 * it; these tests check that what it says works: the `.npmrc` line reaches a dependency's
 * postinstall through npm (a scratch package installed offline), and onnxruntime-node's own
 * install script then exits 0 without touching the network.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from './fixtures/report-inputs';

const ROOT = path.join(__dirname, '..');
const NPMRC_LINE = 'onnxruntime-node-install=skip';

function fromCodeSection(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('## From code');
  assert.ok(at >= 0);
  return readme.slice(at, readme.indexOf('```js', at));
}

test('the README says how to install segnet-uq as a dependency without the CUDA download', () => {
  const text = fromCodeSection();
  assert.match(text, /ONNXRUNTIME_NODE_INSTALL=skip npm install segnet-uq/);
  assert.ok(text.includes(`\`${NPMRC_LINE}\``), 'the .npmrc line');
  assert.match(text, /getaddrinfo ENOTFOUND/, 'the error a user searches for');
});

test('a project .npmrc line reaches a dependency\'s postinstall as npm_config_onnxruntime_node_install', () => {
  const dir = tempDir('segnet-uq-npmrc-');
  const dep = path.join(dir, 'dep');
  const app = path.join(dir, 'app');
  const seen = path.join(dir, 'seen.txt');
  mkdirSync(dep);
  mkdirSync(app);
  const script = `require('fs').writeFileSync(${JSON.stringify(seen)}, String(process.env.npm_config_onnxruntime_node_install))`;
  writeFileSync(path.join(dep, 'package.json'), JSON.stringify({ name: 'dep', version: '1.0.0', scripts: { postinstall: `node -e "${script.replace(/"/g, '\\"')}"` } }));
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, allowScripts: { dep: true } }));
  writeFileSync(path.join(app, '.npmrc'), `${NPMRC_LINE}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false' };
  delete env.ONNXRUNTIME_NODE_INSTALL;
  for (const k of Object.keys(env)) if (k.toLowerCase().startsWith('npm_config_onnxruntime')) delete env[k];
  const pack = spawnSync('npm', ['pack', '--pack-destination', dir], { cwd: dep, env, encoding: 'utf8', timeout: 60_000 });
  assert.is(pack.status, 0, pack.stderr);
  const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, 'dep-1.0.0.tgz')], { cwd: app, env, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.is(readFileSync(seen, 'utf8'), 'skip');
});

test('onnxruntime-node\'s install script exits 0 at once with that setting (no download)', () => {
  const installer = path.join(ROOT, 'node_modules', 'onnxruntime-node', 'script', 'install.js');
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_onnxruntime_node_install: 'skip' };
  delete env.ONNXRUNTIME_NODE_INSTALL;
  // a proxy that does not exist: any download attempt would fail
  const r = spawnSync(process.execPath, [installer], { env: { ...env, GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9' }, encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.is(`${r.stdout}${r.stderr}`.trim(), '');
});

test.run();
