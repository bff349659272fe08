/**
 * The public API stays nameable ("Everything is typed", issue 13): every type of lib/ that an
 * export of lib/index.ts names in its signature (parameters, results, properties, class members,
 * type arguments), followed through those types, is itself exported from lib/index.ts. Read with
 * the TypeScript compiler over lib/index.ts; bodies and private members are not the API. A type
 * not exported is reported, not followed into.
 */
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';

const LIB = path.join(__dirname, '..', 'lib');
const INDEX = path.join(LIB, 'index.ts');

/** Types declared under lib/ that the exports of lib/index.ts (and the types they name) name but do not export, as "name (file)". */
function unnameable(): string[] {
  const program = ts.createProgram([INDEX], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, resolveJsonModule: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const real = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX) as ts.SourceFile) as ts.Symbol;
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(real));
  const inLib = (d: ts.Declaration): boolean => path.resolve(d.getSourceFile().fileName).startsWith(LIB + path.sep);
  const missing = new Map<string, string>();
  const seen = new Set<ts.Symbol>();

  const visitSymbol = (symbol: ts.Symbol | undefined): void => {
    if (!symbol) return;
    const s = real(symbol);
    if (seen.has(s)) return;
    seen.add(s);
    const decls = (s.declarations ?? []).filter(inLib);
    if (decls.length === 0) return;
    const isType = s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum);
    if (isType && !exported.has(s) && !(s.flags & ts.SymbolFlags.TypeParameter)) {
      // reported, not followed: once exported, its own members are checked in turn
      missing.set(s.name, path.relative(LIB, decls[0].getSourceFile().fileName).split(path.sep).join('/'));
      return;
    }
    for (const d of decls) visitDeclaration(d);
  };

  const visitType = (type: ts.Type, depth = 0): void => {
    if (depth > 4) return;
    visitSymbol(type.aliasSymbol);
    for (const a of type.aliasTypeArguments ?? []) visitType(a, depth + 1);
    if (type.isUnionOrIntersection()) for (const t of type.types) visitType(t, depth + 1);
    if (type.flags & ts.TypeFlags.Object) {
      const o = type as ts.ObjectType;
      if (o.objectFlags & ts.ObjectFlags.Reference) for (const a of checker.getTypeArguments(o as ts.TypeReference)) visitType(a, depth + 1);
      if (type.symbol && !(type.symbol.flags & (ts.SymbolFlags.TypeLiteral | ts.SymbolFlags.ObjectLiteral))) visitSymbol(type.symbol);
      else {
        for (const p of checker.getPropertiesOfType(type)) visitType(checker.getTypeOfSymbol(p), depth + 1);
        for (const sig of checker.getSignaturesOfType(type, ts.SignatureKind.Call)) visitSignature(sig, depth + 1);
      }
    }
  };

  const visitSignature = (sig: ts.Signature, depth: number): void => {
    for (const p of sig.getParameters()) visitType(checker.getTypeOfSymbol(p), depth);
    visitType(checker.getReturnTypeOfSignature(sig), depth);
  };

  const isPrivate = (n: ts.Node): boolean =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)
    || (ts.isPropertyDeclaration(n) || ts.isMethodDeclaration(n)) && n.name !== undefined && ts.isPrivateIdentifier(n.name);

  // the type nodes of a declaration, not its bodies and initialisers
  const visitNode = (node: ts.Node): void => {
    if (isPrivate(node)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      visitSymbol(checker.getSymbolAtLocation(ts.isTypeReferenceNode(node) ? node.typeName : node.expression));
    }
    if (ts.isTypeQueryNode(node)) return; // typeof X: a value's type, not a name to export
    if (ts.isBlock(node)) return;
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node)) && !node.type) {
      const sig = checker.getSignatureFromDeclaration(node);
      if (sig) visitType(checker.getReturnTypeOfSignature(sig));
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.type) visitNode(node.type);
      else visitType(checker.getTypeAtLocation(node.name));
      return;
    }
    if ((ts.isPropertyDeclaration(node) || ts.isParameter(node)) && !node.type) {
      visitType(checker.getTypeAtLocation(node.name));
      return;
    }
    if (ts.isPropertyDeclaration(node) || ts.isParameter(node)) {
      if (node.type) visitNode(node.type);
      return;
    }
    ts.forEachChild(node, visitNode);
  };
  const visitDeclaration = (d: ts.Declaration): void => {
    if (ts.isSourceFile(d) || ts.isModuleDeclaration(d)) return;
    visitNode(d);
  };

  for (const s of exported) {
    seen.add(s);
    for (const d of (s.declarations ?? []).filter(inLib)) visitDeclaration(d);
  }
  return [...missing].map(([name, file]) => `${name} (${file})`).sort();
}

test('every lib/ type that the public API names is exported from lib/index.ts', () => {
  assert.equal(unnameable(), []);
});

test.run();
