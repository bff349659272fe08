/**
 * The served page's assembly (lib/server/page.ts): index.html, page.css and the built client put
 * together with a nonce; the ids the client reads exist; the client imports types only; and each
 * broken part fails by its file name, a missing build naming `npm run build`.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileError } from '../lib/errors';
import { loadPage, PAGE_FILES, PageFiles } from '../lib/server/page';
import { buildPageIfStale } from './fixtures/page-build';

const SOURCES = path.join(__dirname, '..', 'lib', 'server', 'page');
const CLIENT = path.join(SOURCES, 'client.ts');

buildPageIfStale();

/** A copy of the shipped parts in a scratch folder, `change`d, then loaded. */
function loadChanged(change: (files: PageFiles) => void): () => unknown {
  const dir = mkdtempSync(path.join(tmpdir(), 'segnet-uq-page-'));
  const files: PageFiles = { html: path.join(dir, 'index.html'), css: path.join(dir, 'page.css'), script: path.join(dir, 'client.js') };
  for (const part of ['html', 'css', 'script'] as const) copyFileSync(PAGE_FILES[part], files[part]);
  change(files);
  return () => {
    try {
      return loadPage(files);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function fileError(load: () => unknown, file: RegExp, reason: RegExp): void {
  try {
    load();
  } catch (err) {
    assert.instance(err, FileError);
    assert.match((err as FileError).file, file);
    assert.match((err as FileError).reason, reason);
    return;
  }
  assert.unreachable('loadPage should have thrown');
}

test('the page: index.html with the style and the built script inline, each with the nonce', () => {
  const html = loadPage()('bm9uY2U+Lz0=');
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes(`<style nonce="bm9uY2U+Lz0=">\n${readFileSync(PAGE_FILES.css, 'utf8')}</style>`));
  assert.ok(html.includes(`<script type="module" nonce="bm9uY2U+Lz0=">\n${readFileSync(PAGE_FILES.script, 'utf8')}</script>`));
  assert.not.match(html, /<link rel="stylesheet"|<script[^>]* src=/);
  assert.match(html, /<\/body><\/html>\n$/);
});

test('every id the client looks up is in index.html, once', () => {
  const html = readFileSync(PAGE_FILES.html, 'utf8');
  const client = readFileSync(CLIENT, 'utf8');
  const ids = new Set([...client.matchAll(/\$(?:<\w+>)?\('(\w+)'\)/g)].map((m) => m[1]));
  // the maps and their colour-bar labels, looked up by name
  for (const map of ['classMap', 'entropy', 'mutualInformation', 'variance']) ids.add(map);
  for (const map of ['entropy', 'mutualInformation', 'variance']) { ids.add(`${map}Min`); ids.add(`${map}Max`); }
  assert.ok(ids.size > 25, `read ${ids.size} ids`);
  const missing = [...ids].filter((id) => html.split(`id="${id}"`).length !== 2);
  assert.equal(missing, [], `ids not in index.html exactly once: ${missing.join(', ')}`);
});

test('the client imports types only (an inline script cannot load modules under the CSP)', () => {
  for (const name of readdirSync(SOURCES).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(path.join(SOURCES, name), 'utf8');
    const imports = text.match(/^\s*import\b.*$/gm) ?? [];
    assert.equal(imports.filter((line) => !/^\s*import type\b/.test(line)), [], `${name}: value imports`);
  }
  assert.not.match(readFileSync(PAGE_FILES.script, 'utf8'), /^\s*import\b/m, 'the built script imports nothing');
});

test('a missing built script names the file and `npm run build`', () => {
  fileError(loadChanged((f) => rmSync(f.script)), /client\.js$/, /no such file: .*client\.ts by `npm run build`/);
  fileError(loadChanged((f) => rmSync(f.css)), /page\.css$/, /no such file \(the package is incomplete/);
});

test('index.html must name the stylesheet and the script once each, the stylesheet first', () => {
  const edit = (from: string, to: string) => (f: PageFiles): void => writeFileSync(f.html, readFileSync(f.html, 'utf8').replace(from, to));
  fileError(loadChanged(edit('<link rel="stylesheet" href="page.css">', '')), /index\.html$/, /must hold '<link rel="stylesheet" href="page\.css">' once/);
  fileError(loadChanged(edit('</body>', '<script type="module" src="client.js"></script></body>')), /index\.html$/, /must hold '<script type="module" src="client\.js"><\/script>' once/);
});

test('a script or style that would break out of its inline tag, or a runtime import, is refused', () => {
  const append = (part: 'css' | 'script', text: string) => (f: PageFiles): void => writeFileSync(f[part], readFileSync(f[part], 'utf8') + text);
  fileError(loadChanged(append('script', "const s = '</script><script>alert(1)';\n")), /client\.js$/, /'<\/script' or '<!--'/);
  fileError(loadChanged(append('css', 'a::after { content: "</style>"; }\n')), /page\.css$/, /'<\/style'/);
  fileError(loadChanged(append('script', "import { x } from './x.js';\n")), /client\.js$/, /imports a module at run time/);
});

test('the nonce must be base64', () => {
  const page = loadPage();
  assert.throws(() => page('a"><script>'), /nonce must be base64, got 'a"><script>'/);
  assert.throws(() => page(''), /nonce must be base64/);
});

test.run();
