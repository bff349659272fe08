/**
 * The shape of lib/, kept by a test: no import circle (type-only imports count: they tie the
 * modules together for a reader just the same), no arrow from a lower layer up to a higher one,
 * and no file over 300 lines. Imports are read from the sources as text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const LIB = path.join(__dirname, '..', 'lib');
const MAX_LINES = 300;

/**
 * Layers, lowest first: a module may import its own layer and the ones below. Files directly in
 * lib/ (errors, defaults, atomic writes, ...) are the lowest; commands and server are peers at the
 * top (neither imports the other); index.ts re-exports everything.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['(files in lib/)'],
  ['onnx', 'image', 'metrics', 'model', 'corruptions'],
  ['graph'],
  ['engine', 'analytic'],
  ['report'],
  ['run'],
  ['anomaly', 'conformal'],
  ['audit', 'shift'],
  ['shard'],
  ['commands', 'server'],
  ['index.ts'],
];

function filesUnder(dir: string, ending = /\.ts$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, ending) : ending.test(p) ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch { /* try the next */ }
  }
  throw new Error(`${path.relative(LIB, from)}: cannot resolve '${spec}'`);
}

/** Module specifiers of `import ... from`, `export ... from` and `import('...')`, type-only included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm)) specs.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) specs.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) specs.push(m[1]);
  return specs;
}

const rel = (f: string): string => path.relative(LIB, f).split(path.sep).join('/');
const files = filesUnder(LIB);
const graph = new Map<string, string[]>(files.map((f) => [rel(f), importsOf(f).map((s) => resolveImport(f, s)).filter((t): t is string => t !== null).map(rel)]));

const PEERS_AT_TOP = LAYERS.length - 2;
const topOf = (file: string): string => (file.includes('/') || file === 'index.ts' ? file.split('/')[0] : '(files in lib/)');

function layerOf(file: string): number {
  const top = topOf(file);
  const i = LAYERS.findIndex((names) => names.includes(top));
  if (i < 0) throw new Error(`lib/${file}: its folder is in no layer of test/lib-structure.test.ts`);
  return i;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function circles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v) as number, low.get(w) as number)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop() as string; onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) found.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return found;
}

test('the circle finder finds a circle and passes a tree', () => {
  assert.equal(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
  assert.equal(circles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
});

test('no import circle under lib/ (type-only imports included)', () => {
  assert.ok(graph.size > 50, `read ${graph.size} modules`);
  const found = circles(graph);
  assert.equal(found, [], `import circles: ${found.map((c) => c.join(' <-> ')).join('; ')}`);
});

test('no arrow runs back up the layers', () => {
  const bad: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = layerOf(from), b = layerOf(to);
      if (b > a || (a === PEERS_AT_TOP && b === a && topOf(from) !== topOf(to))) bad.push(`${from} -> ${to}`);
    }
  }
  assert.equal(bad, [], `imports against the layers: ${bad.join(', ')}`);
});

test(`no file under lib/ is over ${MAX_LINES} lines (the page's HTML and CSS included)`, () => {
  const page = filesUnder(LIB, /\.(html|css)$/);
  assert.ok(page.some((f) => f.endsWith('.html')) && page.some((f) => f.endsWith('.css')), 'read the page\'s HTML and CSS');
  const lines = [...files, ...page].map((f) => ({ f: rel(f), n: readFileSync(f, 'utf8').split('\n').length - 1 }));
  const long = lines.filter((x) => x.n > MAX_LINES);
  assert.equal(long, [], `too long: ${long.map((x) => `lib/${x.f} (${x.n})`).join(', ')}`);
});

test.run();
