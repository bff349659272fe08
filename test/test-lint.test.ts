/**
 * Lint for the tests themselves: patterns that let a broken build pass.
 * - An error class as assert.throws's second argument: uvu calls it as a predicate and
 *   `RangeError(err)` returns a truthy new error, so it passes on any exception. Use throwsError
 *   (test/fixtures/throws.ts), which checks the class and the message.
 * - assert.throws / assert.not.throws on an async function: the function returns a promise and
 *   never throws, so a rejection goes unseen. Use rejectsError / resolves.
 * - A test that says SKIPPED and returns: uvu counts it as a pass. A test whose dependency is
 *   absent is not registered (`if (!has) console.log('SKIPPED ...'); else test(...)`).
 * Every file under test/ is parsed with the TypeScript compiler (so a call over several lines,
 * or with a block body, counts too), and also grepped with the issue's regex.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const TEST = __dirname;

/** The form as issue 32 greps it: grep -rnE "assert\.throws\([^;]*,\s*[A-Z][A-Za-z]*Error\s*\)" test */
const ISSUE_GREP = /assert\.throws\([^;]*,\s*[A-Z][A-Za-z]*Error\s*\)/g;
const ERROR_CLASS = /^[A-Z][A-Za-z]*Error$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.(?:ts|js)$/.test(p) ? [p] : [];
  });
}

const isAsyncFunction = (n: ts.Node): boolean =>
  (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);

/** Findings in one source text, as 'NAME:LINE: what'. */
function lintSource(name: string, text: string): string[] {
  const src = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (n: ts.Node): string => `${name}:${src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression.getText(src);
      if (callee === 'assert.throws' || callee === 'assert.not.throws') {
        const [fn, expects] = n.arguments;
        if (callee === 'assert.throws' && expects && ts.isIdentifier(expects) && ERROR_CLASS.test(expects.text)) {
          found.push(`${at(n)}: assert.throws(..., ${expects.text}) passes on any exception; use throwsError`);
        }
        if (fn && isAsyncFunction(fn)) found.push(`${at(n)}: ${callee} on an async function never sees a rejection; use rejectsError / resolves`);
      }
    }
    // { console.log('... SKIPPED ...'); return; } inside a function: a registered test that skips
    if (ts.isBlock(n) && n.parent && !ts.isSourceFile(n.parent)) {
      const skipAt = n.statements.findIndex((st) => /SKIPPED/.test(st.getText(src)) && !ts.isReturnStatement(st));
      if (skipAt >= 0 && n.statements.slice(skipAt + 1).some((st) => ts.isReturnStatement(st) && !st.expression)) {
        found.push(`${at(n.statements[skipAt])}: says SKIPPED and returns inside a function (a registered test passes); register the test only when it can run`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  for (const m of text.matchAll(ISSUE_GREP)) found.push(`${name}:${text.slice(0, m.index).split('\n').length}: ${m[0].slice(0, 80)}`);
  return found;
}

test('the lint catches the forms it is meant to, and passes the fixed ones', () => {
  const t = 'assert.' + 'throws'; // built so that this file does not match itself
  const bad = [`${t}(() => f(2.5), RangeError);`, `${t}(\n  () => g(null),\n  TypeError,\n);`, `${t}(() => { h(); }, ImageError);`,
    `await ${t.replace('.', '.not.')}(async () => x());`, `${t}(async () => { await x(); }, /y/);`,
    `test('x', () => {\n  assert.ok(1);\n  if (!has) {\n    console.log('  ${'SKIP'}PED: y');\n    return;\n  }\n  assert.ok(2);\n});`];
  for (const s of bad) assert.ok(lintSource('t.ts', s).length > 0, `not caught: ${s}`);
  const fine = [`${t}(() => f(), (e: unknown) => e instanceof RangeError && /x/.test((e as Error).message));`, `${t}(() => f(), /got 2\\.5/);`,
    'throwsError(() => f(2.5), RangeError, /got 2\\.5$/);', 'await rejectsError(async () => x(), RangeError, /y/);',
    `if (!has) console.log('  ${'SKIP'}PED: y');\nelse test('x', () => { assert.ok(1); });`, `if (!has) {\n  console.log('${'SKIP'}PED');\n} else {\n  test('x', () => {});\n}`];
  for (const s of fine) assert.equal(lintSource('t.ts', s), [], s);
});

test('no test under test/ checks an error by its class alone, an async function with assert.throws, or skips after registering', () => {
  const found = filesUnder(TEST).flatMap((f) => lintSource(path.relative(TEST, f), readFileSync(f, 'utf8')));
  assert.equal(found, [], `fix with test/fixtures/throws.ts:\n${found.join('\n')}`);
});

test.run();
