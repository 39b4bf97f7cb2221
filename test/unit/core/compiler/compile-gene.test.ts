import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { HOST_IMPORTS } from '../../../../src/core/wasm-abi';
import { type CompiledGene, type GeneValue, compileGene, createInProcessExecutor, verifyGene } from '../../../../src/core/compiler';
import { cidOf } from '../../../../src/core/store/cid';
import { repoRoot } from '../../../support/repo';

const parse = (text: string) => ts.createSourceFile('gene.ts', text, ts.ScriptTarget.ES2022, true);

/** Every function-like node of a file with its qualified name, found without the gene extractor. */
function functionsOf(sourceFile: ts.SourceFile): Map<string, ts.FunctionLikeDeclaration> {
  const found = new Map<string, ts.FunctionLikeDeclaration>();
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    const name = (node as { name?: ts.Node }).name;
    const named = name !== undefined && ts.isIdentifier(name) && (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node) || ts.isVariableDeclaration(node) || ts.isClassDeclaration(node));
    if (named) names.push((name as ts.Identifier).text);
    if (ts.isFunctionLike(node) && 'body' in node && node.body) found.set(names.join('.'), node as ts.FunctionLikeDeclaration);
    ts.forEachChild(node, visit);
    if (named) names.pop();
  };
  visit(sourceFile);
  return found;
}

function compileNamed(text: string, name: string): CompiledGene {
  const sourceFile = parse(text);
  const fn = functionsOf(sourceFile).get(name);
  assert.ok(fn, `no function ${name}`);
  const result = compileGene(sourceFile, fn);
  assert.equal(result.verdict, 'ok', JSON.stringify(result));
  return result as CompiledGene;
}

async function run(gene: CompiledGene, ...args: GeneValue[]): Promise<unknown> {
  const [outcome] = await createInProcessExecutor().runBatch(gene, [args], { fuel: 1_000_000 });
  assert.ok(outcome);
  return outcome.verdict === 'ok' ? outcome.value : outcome.verdict;
}

const fixture = (path: string) => readFileSync(join(repoRoot, 'test/fixtures/void-sample/src/vs', path), 'utf8');

for (const [path, genes] of [
  ['base/common/numbers.ts', ['clamp', 'rot', 'clampValue', 'isPointWithinTriangle', 'Counter.sum']],
  ['editor/common/easing.ts', ['Easing.Quadratic.In', 'Easing.Quadratic.Out', 'Easing.Cubic.In', 'fibonacci', 'lerp']],
] as const) {
  for (const name of genes) {
    test(`fixture gene ${name} compiles and matches JavaScript on edge and random inputs`, async () => {
      const sourceFile = parse(fixture(path));
      const report = await verifyGene(sourceFile, functionsOf(sourceFile).get(name)!, { seed: 7, randomInputs: 300 });
      assert.equal(report.verdict, 'ok', JSON.stringify(report.mismatches.slice(0, 3)));
      assert.equal(report.gene, name);
      assert.ok(report.compared > 50, `only ${report.compared} inputs compared`);
    });
  }
}

/** Compiles `function g(params) { body }` and checks it against the same function in JavaScript on `inputs`, with Object.is. */
async function assertSameAsJavaScript(params: string, body: string, inputs: GeneValue[][]): Promise<void> {
  const gene = compileNamed(`function g(${params}) { ${body} }`, 'g');
  const names = params.split(',').map((p) => p.split(/[:=]/)[0]!.trim()).filter(Boolean);
  const js = new Function(...names, body) as (...args: GeneValue[]) => unknown;
  const outcomes = await createInProcessExecutor().runBatch(gene, inputs, { fuel: 1_000_000 });
  inputs.forEach((input, i) => {
    const outcome = outcomes[i]!;
    assert.equal(outcome.verdict, 'ok', `${body} on ${input.map(String)}: ${JSON.stringify(outcome)}`);
    const expected = js(...input);
    assert.ok(outcome.verdict === 'ok' && Object.is(outcome.value, expected), `${body} on (${input.map(String)}): wasm ${outcome.verdict === 'ok' ? String(outcome.value) : ''}, js ${String(expected)}`);
  });
}

const EDGES = [0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 3, -7, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32 + 5), 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 2 ** 84, 2 ** 85 + 2 ** 40, 1e21, 1e300, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 4.9e-320, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON];
const pairs = EDGES.flatMap((a) => EDGES.map((b) => [a, b]));

test('% is exact and keeps the sign of the dividend for all double pairs, subnormals and huge values included', async () => {
  await assertSameAsJavaScript('a: number, b: number', 'return a % b;', pairs);
  await assertSameAsJavaScript('a: number, b: number', 'return a % b;', [[5.5, 0.1], [1e308, 3.3e-308], [-1e308, 7], [6.02e23, 1.7], [-0.0000001, 1e-310]]);
});

test('bitwise operators and shifts use ToInt32 / ToUint32 for every double, NaN and ±Infinity included', async () => {
  for (const op of ['|', '&', '^', '<<', '>>', '>>>']) await assertSameAsJavaScript('a: number, b: number', `return a ${op} b;`, pairs);
  await assertSameAsJavaScript('a: number', 'return ~a;', EDGES.map((a) => [a]));
  await assertSameAsJavaScript('a: number', 'return a | 0;', EDGES.map((a) => [a]));
});

test('Math.round, sign, fround, imul, clz32 and the inline Math functions match JavaScript, -0 included', async () => {
  for (const fn of ['round', 'sign', 'fround', 'clz32', 'abs', 'floor', 'ceil', 'trunc', 'sqrt']) await assertSameAsJavaScript('a: number', `return Math.${fn}(a);`, EDGES.map((a) => [a]));
  assert.ok(Object.is(await run(compileNamed('function r(x: number): number { return Math.round(x); }', 'r'), -0.5), -0));
  await assertSameAsJavaScript('a: number, b: number', 'return Math.imul(a, b);', pairs);
});

test('Math.max and Math.min treat NaN and ±0 as JavaScript does, with 0, 1, 2 and 3 arguments', async () => {
  await assertSameAsJavaScript('a: number, b: number', 'return Math.max(a, b) + 1 / Math.min(a, b);', pairs);
  await assertSameAsJavaScript('a: number, b: number', 'return 1 / Math.max(a, b, -0);', pairs);
  await assertSameAsJavaScript('a: number', 'return Math.max() + Math.min() + Math.max(a);', [[1], [NaN]]);
  assert.ok(Object.is(await run(compileNamed('function m(a: number, b: number): number { return Math.max(a, b); }', 'm'), -0, 0), 0));
});

test('imported Math functions and ** give the host Math bits', async () => {
  for (const fn of ['sin', 'cos', 'tan', 'exp', 'log', 'log2', 'log10', 'cbrt', 'atan', 'expm1', 'log1p', 'tanh']) await assertSameAsJavaScript('a: number', `return Math.${fn}(a);`, EDGES.map((a) => [a]));
  await assertSameAsJavaScript('a: number, b: number', 'return a ** b + Math.pow(b, a) + Math.atan2(a, b) + Math.hypot(a, b);', pairs);
});

test('&&, || and ?? return one of their operands, as JavaScript does', async () => {
  await assertSameAsJavaScript('a: number, b: number', 'return (a && b) + 2 * (a || b) + 4 * (a ?? b);', pairs);
  await assertSameAsJavaScript('a: number, b: number', 'return (a > b && b < 3) || !(a === b) ? 1 : -1;', pairs);
  await assertSameAsJavaScript('a: number, b: number', 'let x = a; x ||= b; let y = a; y &&= b; let z = a; z ??= b; return x + 3 * y + 5 * z;', pairs);
});

test('++/--, compound assignment, labels, continue, do-while and early return follow JavaScript', async () => {
  await assertSameAsJavaScript('n: number', 'let s = 0; let i = 0; while (i++ < n) { s += i--; i++; } return s + --i + i++;', [[0], [5], [-1], [3.5], [NaN]]);
  await assertSameAsJavaScript('n: number', `let s = 0;
    outer: for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) { if (j > i) continue outer; if (i * j > 20) break outer; s += i * j; }
    }
    let k = 0; do { k += 3; if (k > 100) return -k; } while (k < n);
    block: { if (n > 5) break block; s = -s; }
    return s + k;`, [[0], [4], [7], [10], [50], [200]]);
  await assertSameAsJavaScript('x: number', 'let y = x; y *= 3; y -= 1; y /= 2; y %= 5; y **= 2; y <<= 3; y >>= 1; y >>>= 0; y |= 6; y &= 0xff; y ^= 5; return y;', EDGES.map((a) => [a]));
});

test('a loop counting past 2^31 and x | 0 for 2^31 and beyond follow JavaScript', async () => {
  await assertSameAsJavaScript('start: number', 'let c = 0; for (let i = start; i < start + 10; i++) { c += i | 0; } return c;', [[2 ** 31 - 5], [2 ** 32 - 3], [2 ** 53 - 20], [-(2 ** 31) - 3]]);
});

test('default parameters apply when the call leaves arguments out, and module constants compile', async () => {
  const source = `const SCALE = 2 * Math.PI;
    const ON = true;
    function scaled(x: number, factor = SCALE, offset: number = factor / 2): number { return ON ? x * factor + offset : 0; }
    export function gene(x: number): number { return scaled(x) + scaled(x, 3) + scaled(x, 3, 4); }`;
  const gene = compileNamed(source, 'gene');
  const expected = (x: number) => { const s = (v: number, f = 2 * Math.PI, o = f / 2) => v * f + o; return s(x) + s(x, 3) + s(x, 3, 4); };
  for (const x of [0, 1.5, -3]) assert.ok(Object.is(await run(gene, x), expected(x)));
  const scaled = compileNamed(source, 'scaled');
  assert.deepEqual(scaled.arityExports, { 1: 'scaled/1', 2: 'scaled/2', 3: 'scaled' });
  assert.equal(await run(scaled, 2), 2 * 2 * Math.PI + Math.PI);
  assert.equal(await run(scaled, 2, 10), 25);
});

test('recursion and calls between genes, booleans as results', async () => {
  const source = `function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    const isEven = (n: number): boolean => n % 2 === 0;
    function gene(n: number): boolean { return isEven(fib(n)) && !Number.isNaN(n); }`;
  const gene = compileNamed(source, 'gene');
  assert.equal(await run(gene, 10), false);
  assert.equal(await run(gene, 9), true);
  assert.equal(await run(gene, 6), true);
  const sourceFile = parse(source);
  const report = await verifyGene(sourceFile, functionsOf(sourceFile).get('gene')!, { randomInputs: 50, fuel: 100_000 });
  assert.equal(report.verdict, 'ok', JSON.stringify(report.mismatches.slice(0, 3)));
});

test('fuel: while (true) {} stops with out-of-fuel, and the fuel used is reported', async () => {
  const gene = compileNamed('function spin(x: number): number { while (true) { x++; } }', 'spin');
  const [spin] = await createInProcessExecutor().runBatch(gene, [[1]], { fuel: 10_000 });
  assert.equal(spin?.verdict, 'out-of-fuel');
  const loop = compileNamed('function count(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }', 'count');
  const [counted] = await createInProcessExecutor().runBatch(loop, [[10]], { fuel: 1000 });
  assert.deepEqual(counted, { verdict: 'ok', value: 45, fuelUsed: 12 });
});

test('the module is valid, deterministic, imports only whitelisted Math functions with their exact signatures, and names its functions', async () => {
  const source = 'function g(a: number, b: number): number { return Math.sin(a) + Math.atan2(a, b) + a % b + (a | 0); }';
  const first = compileNamed(source, 'g');
  const second = compileNamed(source, 'g');
  assert.deepEqual(first.bytes, second.bytes);
  assert.ok(WebAssembly.validate(first.bytes as Uint8Array<ArrayBuffer>));
  const module = new WebAssembly.Module(first.bytes as Uint8Array<ArrayBuffer>);
  for (const imported of WebAssembly.Module.imports(module)) {
    assert.equal(imported.module, 'Math');
    assert.ok(HOST_IMPORTS.some((entry) => entry.name === imported.name), imported.name);
  }
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => `${e.kind}:${e.name}`), ['function:g', 'global:chimera_fuel', 'global:chimera_status']);
  assert.equal(WebAssembly.Module.customSections(module, 'name').length, 1);
  // A wrong signature (Math.sin taking two arguments) would make the host's sin return other bits; the types section says 1 → 1.
  assert.deepEqual(first.imports, ['Math.sin', 'Math.atan2']);
  assert.match(await cidOf(first.bytes), /^bafkrei[a-z2-7]{52}$/);
  assert.equal(await cidOf(first.bytes), await cidOf(second.bytes));
  assert.deepEqual(first.sourceMap.map((f) => [f.name, f.startLine, f.endLine]), [['g', 1, 1]]);
});

for (const [construct, source] of [
  ['string to number', "function g(a: number): number { const s = +('x' + a); return a; }"],
  ['object literal', 'function g(a: number): number { const o = { a }; return a; }'],
  ['closure', 'function g(a: number): number { const f = () => a; return a; }'],
  ['Math.random', 'function g(a: number): number { return a + Math.random(); }'],
  ['method call', 'function g(a: number): number { console.log(a); return a; }'],
  ['possibly undefined', 'function g(a: number): number { var b; if (a > 0) b = a; return b; }'],
  ['possibly undefined', 'function g(a: number): number { let b; for (let i = 0; i < a; i++) b = i; return b; }'],
  ['possibly undefined', 'function g(a: number): number { let b; switch (a) { case 1: b = 1; break; case 2: return 0; } return b; }'],
  ['temporal dead zone', 'function g(a: number): number { switch (a) { case 0: let b = 1; case 1: return b; } return 0; }'],
  ['missing return', 'function g(a: number): number { if (a > 0) return a; }'],
  ['throw', 'function g(a: number): number { throw a; }'],
  ['optional parameter', 'function g(a?: number): number { return 1; }'],
  ['free variable', 'function g(a: number): number { return a + missing; }'],
  ['mixed && or ||', 'function g(a: number): number { return a > 0 && a; }'],
  ['temporal dead zone', 'function g(a: number): number { const b = c; const c = a; return b; }'],
] as const) {
  test(`refuses ${construct} with the verdict unsupported, the construct and its position`, () => {
    const sourceFile = parse(source);
    const result = compileGene(sourceFile, functionsOf(sourceFile).get('g')!);
    assert.equal(result.verdict, 'unsupported');
    assert.ok(result.verdict === 'unsupported' && result.line === 1 && result.column > 1 && result.reason.length > 0 && result.construct.length > 0, JSON.stringify(result));
  });
}

test('2,000-deep and 100,000-term expressions neither overflow the stack nor compile wrongly', async () => {
  for (const terms of [2000, 100_000]) {
    const sourceFile = parse(`function g(a: number): number { return a${' + 1'.repeat(terms)}; }`);
    const result = compileGene(sourceFile, sourceFile.statements[0] as ts.FunctionDeclaration);
    if (result.verdict === 'ok') assert.equal(await run(result, 1), terms + 1);
    else assert.equal(result.construct, 'deep nesting');
  }
  // TypeScript's own parser overflows on 2,000 nested blocks; 1,000 is what can reach the compiler.
  const blocks = parse(`function g(a: number): number { ${'if (a > 0) {'.repeat(1000)} a = a + 1; ${'}'.repeat(1000)} return a; }`);
  const nested = compileGene(blocks, blocks.statements[0] as ts.FunctionDeclaration);
  if (nested.verdict === 'ok') assert.equal(await run(nested, 1), 2);
  else assert.equal(nested.construct, 'deep nesting');
});
