import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import ts from 'typescript';
import { type CompiledGene, type GeneValue, compileGene, createInProcessExecutor, loadJavaScriptGene, parseGeneValue, toJsonValue, verifyCompiledGene } from '../../../../src/core/compiler';
import { sameGeneValue } from '../../../../src/core/compiler/values';
import { Sandbox } from '../../../../src/core/sandbox/sandbox';
import { createSandboxExecutor } from '../../../../src/core/sandbox/sandbox-executor';
import { distFile } from '../../../support/repo';
import { isCompileCandidate } from '../../../../src/core/compiler/candidates';
import { extractGenes } from '../../../../src/core/genes';

const parse = (text: string) => ts.createSourceFile('gene.ts', text, ts.ScriptTarget.ES2022, true);

function compiled(source: string): { sourceFile: ts.SourceFile; gene: CompiledGene } {
  const sourceFile = parse(source);
  const result = compileGene(sourceFile, sourceFile.statements[0] as ts.FunctionDeclaration);
  assert.equal(result.verdict, 'ok', JSON.stringify(result));
  return { sourceFile, gene: result as CompiledGene };
}

// Array genes in the shapes Void has them: read-only parameters, fresh arrays built and returned.
const GENES: Record<string, string> = {
  sum: 'function sum(a: number[]): number { let s = 0; for (const x of a) s += x; return s; }',
  sumIndexed: 'function sumIndexed(a: readonly number[]): number { let s = 0; for (let i = 0, len = a.length; i < len; i++) s += a[i]; return s; }',
  at: 'function at(a: Array<number>, i: number): number { return a[i]; }',
  atString: 'function atString(a: string[], i: number): string { return a[i]; }',
  search: 'function search(a: number[], x: number): number { return a.indexOf(x) + (a.includes(x) ? 1000 : 0); }',
  words: "function words(a: ReadonlyArray<string>, s: string): number { return a.indexOf(s) + (a.includes(s) ? 100 : 0) + (a.includes('') ? 10 : 0); }",
  flags: 'function flags(a: boolean[]): number { let n = 0; for (const b of a) { if (!b) continue; n++; } return n + (a.includes(true) ? 100 : 0) + a.indexOf(false) * 1000; }',
  allPositive: 'function allPositive(a: number[]): boolean { return a.every((x) => x > 0); }',
  anyAbove: 'function anyAbove(a: number[], t: number): boolean { return a.some((x, i) => { return x > t + i; }); }',
  classes: "function classes(id: string): string[] { return ['file-icon', `${id}-lang-file-icon`]; }",
  none: 'function none(): string[] { return []; }',
  untypedNone: 'function untypedNone(b: boolean) { if (b) return [true]; return []; }',
  noneAtAll: 'function noneAtAll() { return []; }',
  evens: 'function evens(n: number): number[] { const r: number[] = []; for (let i = 0; i < n && i < 300; i++) r.push(i * 2); return r; }',
  chunk: "function chunk(data: string): string[] { const out: string[] = []; let start = 0; for (let i = 0; i < data.length; i++) { if (data[i] === ',') { out.push(data.slice(start, i)); start = i + 1; } } out.push(data.slice(start)); return out; }",
  quote: 'function quote(args: string[]): string { let r = \'\'; for (const a of args) { if (a.indexOf(\' \') >= 0) { r += \'"\' + a + \'"\'; } else { r += a; } } return r; }',
  valid: 'function valid(lineNumber: number, lines: string[]): boolean { return lineNumber >= 1 && lineNumber <= lines.length; }',
  copy: 'function copy(a: number[]): number[] { const r: number[] = []; outer: for (const x of a) { for (const y of [x, -x]) { if (y !== y) continue outer; r.push(y); } } return r; }',
  passes: 'function passes(a: boolean[]): boolean[] { return a; }',
  split: 'function split(s: string, t: string): string[] { return s.split(t); }',
  splitFixed: "function splitFixed(s: string): number { const parts = s.split(','); return parts.length * 100 + s.split('').length + s.split('ab').indexOf(''); }",
};

for (const [name, source] of Object.entries(GENES)) {
  test(`array gene ${name} compiles and matches JavaScript on edge and random arrays`, async () => {
    const { sourceFile, gene } = compiled(source);
    const report = await verifyCompiledGene(sourceFile, gene, { seed: 5, randomInputs: 300 });
    assert.equal(report.verdict, 'ok', JSON.stringify(report.mismatches.slice(0, 3)));
    assert.ok(report.compared > 0, 'nothing compared');
  });
}

test('arrays of numbers with NaN, -0 and infinities inside round-trip and search as JavaScript does (fast-check)', async () => {
  const genes = ['sum', 'search', 'copy', 'at'].map((name) => {
    const { sourceFile, gene } = compiled(GENES[name]!);
    return { gene, js: loadJavaScriptGene(sourceFile, gene, { timeoutMs: 5000 }) };
  });
  const executor = createInProcessExecutor();
  const numbers = fc.array(fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, 2)), { maxLength: 40 });
  const long = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 500, maxLength: 3000 });
  await fc.assert(
    fc.asyncProperty(fc.oneof(numbers, long, fc.constant<number[]>([])), fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, 1)), async (array, x) => {
      for (const { gene, js } of genes) {
        const args: GeneValue[] = gene.signature.params.length === 1 ? [array] : [array, x];
        const [outcome] = await executor.runBatch(gene, [args], { fuel: 10_000_000 });
        const expected = js.call(args.map((v) => (Array.isArray(v) ? [...v] : v)));
        assert.ok(expected.verdict === 'ok');
        // Past the end of a number array JavaScript reads undefined, which the gene cannot hold: unsupported, never a value.
        if (expected.value === undefined) assert.equal(outcome!.verdict, 'unsupported');
        else assert.ok(outcome!.verdict === 'ok' && sameGeneValue(outcome!.value, expected.value), `${gene.name}(${JSON.stringify(args.map(toJsonValue))})`);
      }
    }),
    { numRuns: 150, seed: 17 },
  );
});

test('string arrays hold any code units, and reading past the end is undefined as in JavaScript (fast-check)', async () => {
  const genes = ['atString', 'words', 'quote'].map((name) => {
    const { sourceFile, gene } = compiled(GENES[name]!);
    return { gene, js: loadJavaScriptGene(sourceFile, gene, { timeoutMs: 5000 }) };
  });
  const executor = createInProcessExecutor();
  const strings = fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', ' ', 'a b', '\ud800')), { maxLength: 20 });
  await fc.assert(
    fc.asyncProperty(strings, fc.oneof(fc.integer({ min: -2, max: 25 }), fc.constantFrom(-0, 0.5, NaN)), fc.constantFrom('', 'a b', '\ud800'), async (array, i, s) => {
      for (const { gene, js } of genes) {
        const args: GeneValue[] = gene.signature.params.length === 1 ? [array] : gene.signature.params[1]!.type === 'number' ? [array, i] : [array, s];
        const [outcome] = await executor.runBatch(gene, [args], { fuel: 10_000_000 });
        const expected = js.call(args);
        assert.ok(expected.verdict === 'ok' && outcome!.verdict === 'ok' && sameGeneValue(outcome!.value, expected.value), `${gene.name}(${JSON.stringify(args)})`);
      }
    }),
    { numRuns: 150, seed: 23 },
  );
});

test('push grows the array in the arena: beyond the memory maximum it is the memory-limit verdict', async () => {
  const { gene } = compiled('function fill(n: number): number { const r: number[] = []; for (let i = 0; i < n; i++) r.push(i); return r.length; }');
  const executor = createInProcessExecutor();
  const [small, huge, again] = await executor.runBatch(gene, [[1000], [1e8], [3]], { fuel: 1e12 });
  assert.deepEqual(small!.verdict === 'ok' && small!.value, 1000);
  assert.equal(huge!.verdict, 'memory-limit');
  assert.deepEqual(again!.verdict === 'ok' && again!.value, 3);
});

test('loops over arrays cost fuel: for…of, includes and growing by push run out of a small budget', async () => {
  const executor = createInProcessExecutor();
  const long = Array.from({ length: 100_000 }, (_, i) => i);
  for (const source of [GENES.sum!, 'function has(a: number[]): boolean { return a.includes(-1); }']) {
    const { gene } = compiled(source);
    const [starved, fed] = await executor.runBatch(gene, [[long], [long]], { fuel: 1000 });
    assert.equal(starved!.verdict, 'out-of-fuel');
    assert.ok(fed);
  }
});

test('arrays cross the sandbox boundary: arguments written into its memory, results back with special numbers intact', async () => {
  const sandbox = new Sandbox({ childScript: distFile('sandbox-child.js'), workerScript: distFile('sandbox-worker.js'), poolSize: 1, childPoolSize: 1 });
  after(() => sandbox.dispose());
  const executor = createSandboxExecutor(sandbox);
  const { gene } = compiled(GENES.copy!);
  const [outcome] = await executor.runBatch(gene, [[[1, -0, NaN, Infinity, 2.5]]], { fuel: 1_000_000 });
  assert.ok(outcome!.verdict === 'ok');
  assert.deepEqual(toJsonValue(outcome!.value as GeneValue), [1, -1, '-0', 0, 'Infinity', '-Infinity', 2.5, -2.5]);
  const strings = compiled(GENES.chunk!);
  const [split] = await executor.runBatch(strings.gene, [['a,,\ud800,b']], { fuel: 1_000_000 });
  assert.deepEqual(split!.verdict === 'ok' && split!.value, ['a', '', '\ud800', 'b']);
  const past = compiled(GENES.at!);
  const [unsupported] = await executor.runBatch(past.gene, [[[1, 2], 5]], { fuel: 1_000_000 });
  assert.equal(unsupported!.verdict, 'unsupported');
  const report = await verifyCompiledGene(past.sourceFile, past.gene, { executor, randomInputs: 50 });
  assert.equal(report.verdict, 'ok');
});

test('JSON arrays are read by the element type: special numbers as strings, nothing else accepted', () => {
  assert.deepEqual(toJsonValue(parseGeneValue([1, 'NaN', '-0', 'Infinity'], 'number[]')!), [1, 'NaN', '-0', 'Infinity']);
  assert.deepEqual(parseGeneValue(['NaN', ''], 'string[]'), ['NaN', '']);
  assert.deepEqual(parseGeneValue([true, false], 'boolean[]'), [true, false]);
  assert.equal(parseGeneValue([1, 'x'], 'number[]'), undefined);
  assert.equal(parseGeneValue([1, true], 'number[]'), undefined);
  assert.equal(parseGeneValue([1], 'string[]'), undefined);
  assert.equal(parseGeneValue('[1]', 'number[]'), undefined);
});

for (const [construct, source] of [
  ['push on a shared array', 'function g(a: number[]): number { return a.push(1); }'],
  ['push on a shared array', 'function g(a: number[]): number { const b: number[] = []; let c: number[] = []; c = a; return c.push(1) + b.length; }'],
  ['empty array literal', 'function g(): number { const r = []; return r.length; }'],
  ['mixed array', "function g(b: boolean) { if (b) return []; return ['a']; }"],
  ['mixed array', "function g(x: number): number { const r = [x, 'a']; return r.length; }"],
  ['array value', 'function g(a: number[]): number { return a + 1; }'],
  ['array value', 'function g(a: number[], b: number[]): boolean { return a === b; }'],
  ['array value', 'function g(a: string[]): string { return `${a}`; }'],
  ['array.map()', 'function g(a: number[]): number[] { return a.map((x) => x); }'],
  ['array.indexOf type', "function g(a: number[]): number { return a.indexOf('1'); }"],
  ['callback form', 'function g(a: number[]): boolean { return a.every((x, i, all) => x > 0); }'],
  ['split with 2 arguments', "function g(s: string): number { return s.split(',', 2).length; }"],
  ['for of statement', 'function g(s: string): number { let n = 0; for (const c of s) n++; return n; }'],
  ['assignment target', 'function g(a: number[], i: number): number { a[i] = 1; return 0; }'],
] as const) {
  test(`refuses ${construct}: ${source}`, () => {
    const sourceFile = parse(source);
    const result = compileGene(sourceFile, sourceFile.statements[0] as ts.FunctionDeclaration);
    assert.equal(result.verdict, 'unsupported');
    assert.equal(result.verdict === 'unsupported' && result.construct, construct, JSON.stringify(result));
  });
}

test('genes over arrays of numbers, booleans and strings are compile candidates; arrays of objects are not', () => {
  const { genes } = extractGenes('gene.ts', 'export function a(x: readonly number[]): number { return x.length; }\nexport function b(x: Array<string>): string[] { return x; }\nexport function c(x: ReadonlyArray<boolean>): boolean { return x.length > 0; }\nexport function d(x: { n: number }[]): number { return x.length; }\n');
  assert.deepEqual(genes.map((g) => [g.name, isCompileCandidate(g)]), [['a', true], ['b', true], ['c', true], ['d', false]]);
});
