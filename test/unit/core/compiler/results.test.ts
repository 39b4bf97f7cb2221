import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import ts from 'typescript';
import { compileGene, createInProcessExecutor, verifyGene } from '../../../../src/core/compiler';
import { isCompileCandidate } from '../../../../src/core/compiler/candidates';
import { extractGenes } from '../../../../src/core/genes';

const parse = (text: string) => ts.createSourceFile('gene.ts', text, ts.ScriptTarget.ES2022, true);
const first = (sourceFile: ts.SourceFile) => {
  const statement = sourceFile.statements[0]!;
  if (ts.isFunctionDeclaration(statement)) return statement;
  return (statement as ts.VariableStatement).declarationList.declarations[0]!.initializer as ts.ArrowFunction;
};

// Genes that return nothing, undefined or null, and strings that may be undefined, as Void has them.
for (const [source, result, values] of [
  ['function g() {}', 'undefined', [undefined]],
  ['function g(a: number): void { let b = a * 2; b++; }', 'undefined', [undefined]],
  ['const g = () => undefined;', 'undefined', [undefined]],
  ['const g = () => {};', 'undefined', [undefined]],
  ['function g(a: boolean) { if (a) return; return void 0; }', 'undefined', [undefined]],
  ['function g(): null { return null; }', 'null', [null]],
  ['const g = (s: string) => null;', 'null', [null]],
  ['function g(s: string): string | undefined { if (s.length > 2) return s.slice(1); }', 'string', ['bc', undefined]],
  ['function g(s: string) { if (s.length > 2) return undefined; return s + s; }', 'string', [undefined, 'abab']],
  ['function g(s: string): undefined | string { return s.length > 2 ? s : undefined; }', 'string', ['abc', undefined]],
  ['const g = (s: string) => (s.length > 2 ? undefined : s.trim());', 'string', [undefined, 'ab']],
] as const) {
  test(`${source} compiles to a ${result} result, matches JavaScript`, async () => {
    const sourceFile = parse(source);
    const compiled = compileGene(sourceFile, first(sourceFile));
    assert.equal(compiled.verdict, 'ok', JSON.stringify(compiled));
    if (compiled.verdict !== 'ok') return;
    assert.equal(compiled.signature.result, result);
    const params = compiled.signature.params.map((p) => p.type);
    const inputs = params.length === 0 ? [[]] : params[0] === 'string' ? [['abc'], ['ab']] : params[0] === 'number' ? [[1]] : [[true], [false]];
    const outcomes = await createInProcessExecutor().runBatch(compiled, inputs.slice(0, values.length), { fuel: 1000 });
    assert.deepEqual(outcomes.map((o) => (o.verdict === 'ok' ? o.value : o.verdict)), values);
    const report = await verifyGene(sourceFile, first(sourceFile), { randomInputs: 50 });
    assert.equal(report.verdict, 'ok', JSON.stringify(report.mismatches.slice(0, 2)));
    assert.ok(report.compared > 0);
  });
}

for (const [construct, source] of [
  ['missing return', 'function g(a: number): number { if (a > 0) return a; }'],
  ['mixed return types', 'function g(a: number) { if (a > 0) return a; return undefined; }'],
  ['mixed return types', 'function g(s: string) { if (s) return s; return null; }'],
  ['call without a value', 'function h() {} function g(): number { h(); return 1; }'],
  ['undefined', 'function g(a: number): number { return a + undefined; }'],
  ['null', 'function g(a: boolean) { return a ? null : null; }'],
  ['undefined', 'function g(a: number) { return a > 0 ? a : undefined; }'],
] as const) {
  test(`refuses ${construct}: ${source}`, () => {
    const sourceFile = parse(source);
    const fn = sourceFile.statements.filter(ts.isFunctionDeclaration).find((f) => f.name?.text === 'g')!;
    const compiled = compileGene(sourceFile, fn);
    assert.equal(compiled.verdict, 'unsupported');
    assert.equal(compiled.verdict === 'unsupported' && compiled.construct, construct);
  });
}

test('genes declared void, undefined, null or string | undefined are compile candidates; object results are not', () => {
  const { genes } = extractGenes('gene.ts', 'export function a(): void {}\nexport function b(): null { return null; }\nexport function c(s: string): string | undefined { return s; }\nexport function d(): { x: number } { return { x: 1 }; }\n');
  assert.deepEqual(genes.map((g) => [g.name, isCompileCandidate(g)]), [['a', true], ['b', true], ['c', true], ['d', false]]);
});

test('a method without a plain name is refused (verification rebuilds methods by name), a plain one verifies', async () => {
  const sourceFile = parse("class A { [Symbol.for('x')]() {} 'quoted'() {} plain() {} }");
  const members = (sourceFile.statements[0] as ts.ClassDeclaration).members as unknown as ts.MethodDeclaration[];
  for (const method of members.slice(0, 2)) {
    const compiled = compileGene(sourceFile, method);
    assert.equal(compiled.verdict === 'unsupported' && compiled.construct, 'method name');
  }
  assert.equal((await verifyGene(sourceFile, members[2]!)).verdict, 'ok');
});
